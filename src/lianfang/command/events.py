"""Events published by the command module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IncidentReported:
    incident_id: int
    jurisdiction_path: str


@dataclass(frozen=True)
class ForcesMoved:
    force_ids: tuple[int, ...]
    to_jurisdiction_id: int
