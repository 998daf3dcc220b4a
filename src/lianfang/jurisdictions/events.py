"""Events published by the jurisdictions module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JurisdictionsImported:
    created: int
    updated: int
