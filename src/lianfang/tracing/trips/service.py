"""Fellow passengers outside the city's registry: proposed as contacts named by the carrier's manifest
(name, phone, city), one row per (case, passenger). Confirming one sends a letter (`contacts.dispatch`:
no registry place → outgoing). Flushes, never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.people.rules import mask_name
from lianfang.tracing import rules
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.tracing.trips.views import TripMate

UNKNOWN_CITY = "待核实"


def strongest(mates: list[TripMate]) -> dict[int, TripMate]:
    """One per unregistered passenger: the strongest category."""
    out: dict[int, TripMate] = {}
    for m in mates:
        if m.person_id is None:
            old = out.get(m.passenger_id)
            if old is None or rules.rank(m.category) > rules.rank(old.category):
                out[m.passenger_id] = m
    return out


def store(ctx: Ctx, case: TracingCase, mates: list[TripMate]) -> int:
    """Insert the new outside proposals; raise undecided ones to a stronger category. Returns new rows."""
    found = strongest(mates)
    if not found:
        return 0
    rows = ctx.session.scalars(
        select(TracingContact).where(
            TracingContact.case_id == case.id, TracingContact.passenger_id.in_(list(found))
        )
    )
    existing = {c.passenger_id: c for c in rows}
    rule = rules.transport_rule(case.rule_edition)
    keys = vault(ctx.settings)
    new: list[dict[str, Any]] = []
    for passenger_id, m in found.items():
        row = existing.get(passenger_id)
        if row is not None:
            if row.status == "proposed" and rules.rank(m.category) > rules.rank(row.category):
                row.category = row.proposed_category = m.category
                row.detail, row.updated_at = m.detail[:500], ctx.now
            continue
        new.append(
            {
                "case_id": case.id,
                "person_id": None,
                "passenger_id": passenger_id,
                "outside_name": m.name[:120],
                "outside_city": (m.city or UNKNOWN_CITY)[:60],
                "outside_phone": keys.open(m.phone_sealed) if m.phone_sealed else "",
                "jurisdiction_path": None,
                "degree": 1,
                "category": m.category,
                "proposed_category": m.category,
                "status": "proposed",
                "reason": "transport",
                "detail": m.detail[:500],
                "rule": rule,
                "rule_edition": case.rule_edition,
                "first_contact_at": m.first_at,
                "last_contact_at": m.last_at,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
        )
    if new:
        ctx.session.execute(insert(TracingContact), new)
    return len(new)


def proposal_items(mates: list[TripMate], edition: str) -> list[dict[str, Any]]:
    """The outside proposals as the proposals API lists them (no person id; name masked)."""
    rule = rules.transport_rule(edition)
    return [
        {
            "person_id": None,
            "passenger_id": m.passenger_id,
            "name": mask_name(m.name) if m.name else "",
            "id_masked": m.id_masked,
            "jurisdiction_path": None,
            "outside_city": m.city or UNKNOWN_CITY,
            "category": m.category,
            "reason": "transport",
            "detail": m.detail,
            "rule": rule,
            "venue_id": None,
            "first_contact_at": m.first_at,
            "last_contact_at": m.last_at,
            "overlap_minutes": 0,
        }
        for m in strongest(mates).values()
    ]
