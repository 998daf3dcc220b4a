"""Events published by the accounts module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResidentSignedIn:
    resident_id: int
    phone_hash: str
