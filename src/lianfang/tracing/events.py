"""Events published by the tracing module, for the modules above it (control, health codes, command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CaseOpened:
    case_id: int
    person_id: int
    jurisdiction_path: str
    status: str  # pending (from a lab result) | open
    found_by: str


@dataclass(frozen=True)
class CaseStatusChanged:
    case_id: int
    before: str
    after: str
    jurisdiction_path: str


@dataclass(frozen=True)
class ContactConfirmed:
    """A contact was judged (close, secondary or general) and sent to where the person is."""

    contact_id: int
    case_id: int
    person_id: int | None
    category: str
    routing: str  # community | assist | outgoing
    first_contact_at: datetime | None
    jurisdiction_path: str | None
