"""Helpers shared by the control pages."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.people.models import Person


def form_problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


def people_by_id(ctx: Ctx, person_ids: list[int]) -> dict[int, Person]:
    if not person_ids:
        return {}
    return {p.id: p for p in ctx.session.scalars(select(Person).where(Person.id.in_(person_ids)))}
