"""Events published by the units module (consumed later by unit health reporting and tracing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitDeactivated:
    unit_id: int
    jurisdiction_path: str


@dataclass(frozen=True)
class UnitStaffChanged:
    """A person joined, changed role in or left a unit (`change`: added | updated | ended)."""

    unit_id: int
    person_id: int
    change: str


@dataclass(frozen=True)
class UnitsImported:
    created: int
    updated: int


@dataclass(frozen=True)
class UnitStaffImported:
    created: int
    updated: int
