"""Events published by the control module, for the modules above it (the health code reads orders)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrderChanged:
    """An order was issued, changed in length, or ended (`change`: issued | changed | ended)."""

    order_id: int
    person_id: int
    change: str
