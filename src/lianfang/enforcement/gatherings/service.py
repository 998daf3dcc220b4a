"""The event register (R17): meetings, forums and sports events with organiser, size and date, and the
decision (postponed, cancelled, scaled down, held); decisions keep their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.enforcement import rules
from lianfang.enforcement.access import DECIDE, access_event
from lianfang.enforcement.models import RegisteredEvent, Revision
from lianfang.jurisdictions.access import access_jurisdiction


@dataclass(frozen=True)
class EventInput:
    name: str
    organiser: str
    expected_size: int
    planned_date: date
    jurisdiction_id: int
    place: str = ""


def register_event(ctx: Ctx, data: EventInput) -> RegisteredEvent:
    ctx.actor.require("registry.write")
    place = access_jurisdiction(ctx.session, ctx.actor, data.jurisdiction_id)
    problems = rules.event_problems(data.name, data.organiser, data.expected_size)
    if len(data.place) > 255:
        problems.append(Problem("place", "地点最多255字", "the place has at most 255 characters"))
    if problems:
        raise Invalid(problems)
    event = RegisteredEvent(
        name=data.name.strip(),
        organiser=data.organiser.strip(),
        expected_size=data.expected_size,
        planned_date=data.planned_date,
        place=data.place.strip(),
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        created_by_label=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(event)
    ctx.session.flush()
    audit.record(
        ctx, "enforcement.event.registered", "registered_event", event.id, place.path, name=event.name
    )
    return event


def _snapshot(event: RegisteredEvent) -> dict[str, object]:
    return {
        "decision": event.decision,
        "new_date": event.new_date.isoformat() if event.new_date else None,
        "decision_note": event.decision_note,
        "decided_by": event.decided_by_label,
        "decided_at": event.decided_at.isoformat() if event.decided_at else None,
    }


def decide_event(ctx: Ctx, event_id: int, decision: str, new_date: date | None, note: str) -> RegisteredEvent:
    """Record (or correct: the earlier decision is kept as a revision) what was decided."""
    ctx.actor.require(DECIDE)
    event = access_event(ctx.session, ctx.actor, event_id)
    problem = rules.decision_problem(decision, event.planned_date, new_date)
    problems = [problem] if problem else []
    if len(note) > 500:
        problems.append(Problem("note", "说明最多500字", "the note has at most 500 characters"))
    if event.decision != "pending" and not note.strip():
        problems.append(Problem("note", "更正研判结果时请写明原因", "give a reason to change the decision"))
    if problems:
        raise Invalid(problems)
    before = _snapshot(event)
    if event.decision != "pending":
        ctx.session.add(
            Revision(
                subject_type="registered_event",
                subject_id=event.id,
                version=event.version,
                snapshot=before,
                reason=note.strip(),
                by_label=ctx.actor.label,
                at=ctx.now,
            )
        )
        event.version += 1
    event.decision, event.new_date, event.decision_note = decision, new_date, note.strip()
    event.decided_by_label, event.decided_at, event.updated_at = ctx.actor.label, ctx.now, ctx.now
    audit.record(
        ctx,
        "enforcement.event.decided",
        "registered_event",
        event.id,
        event.jurisdiction_path,
        before=before,
        after=_snapshot(event),
    )
    return event
