"""Events published by the enforcement module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class InspectionRecorded:
    inspection_id: int
    target_type: str
    target_id: int
    unit_id: int | None
    state: str
    findings: int
    jurisdiction_path: str


@dataclass(frozen=True)
class FindingVerified:
    finding_id: int
    inspection_id: int
    rectified: bool
    at: datetime


@dataclass(frozen=True)
class ViolationDecided:
    violation_id: int
    subject_type: str
    person_id: int | None
    unit_id: int | None
    disposition: str
    jurisdiction_path: str


@dataclass(frozen=True)
class ClosureOrdered:
    order_id: int
    venue_kind: str
    jurisdiction_path: str
    closed_venue_ids: tuple[int, ...]
