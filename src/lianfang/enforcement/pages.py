"""Helpers shared by the enforcement pages."""

from __future__ import annotations

from lianfang.core.errors import DomainError, Problem


def problems_of(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


def status_of(exc: DomainError) -> int:
    return 422 if exc.status in (400, 422) else exc.status
