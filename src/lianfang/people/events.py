"""Events published by the people module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRegistered:
    person_id: int
    jurisdiction_path: str


@dataclass(frozen=True)
class PersonUpdated:
    person_id: int
    jurisdiction_path: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PeopleImported:
    created: int
    updated: int
    jurisdiction_path: str | None
