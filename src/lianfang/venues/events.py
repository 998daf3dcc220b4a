"""Events published by the venues module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VenueStatusChanged:
    """A venue opened, closed or was sealed (check-ins and tracing react to it)."""

    venue_id: int
    code: str
    jurisdiction_path: str
    old_status: str
    new_status: str
    reason: str
    at: datetime
    by_authority: bool


@dataclass(frozen=True)
class VenuesImported:
    created: int
    updated: int
