"""Events published by the assignments module, for the modules above it (command, tracing, control...)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AssignmentIssued:
    assignment_id: int
    kind: str
    owner_jurisdiction_id: int
    owner_path: str
    owner_user_id: int | None
    subject_type: str | None
    subject_id: str | None


@dataclass(frozen=True)
class AssignmentCompleted:
    assignment_id: int
    kind: str
    owner_path: str
    subject_type: str | None
    subject_id: str | None
    on_time: bool


@dataclass(frozen=True)
class AssignmentEscalated:
    assignment_id: int
    kind: str
    owner_path: str
    level: int
    watch_path: str
