"""What the API, the pages and the CLI show of a case: its window, timeline, proposals, contacts and
requests, with people masked (surname, ID first and last characters) and places named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.assignments.rules import is_late, is_open
from lianfang.core.context import Ctx
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.tracing import repository, rules
from lianfang.tracing.cases.service import case_window
from lianfang.tracing.cases.views import label_dict, person_label
from lianfang.tracing.contacts import views as proposing
from lianfang.tracing.models import TracingCase, TracingContact, TracingRequest
from lianfang.tracing.trips import service as outside
from lianfang.tracing.trips import views as trips
from lianfang.units.models import Unit, UnitMembership


def ruleset_of(case: TracingCase) -> rules.RuleSet:
    return rules.by_edition(case.rule_edition)


def proposals(ctx: Ctx, case: TracingCase) -> list[dict[str, Any]]:
    """The first-degree proposals computed now (nothing stored), strongest first."""
    start, end = case_window(ctx, case)
    found, mates = proposing.propose_for_case(ctx.session, case, ruleset_of(case), start, end)
    people = repository.labels_by_ids(ctx.session, [i for i, p in found.items() if p.label is None])
    out = [
        {
            "person_id": p.person_id,
            **label_dict(p.label or people.get(p.person_id)),
            "category": p.category,
            "reason": p.reason,
            "detail": p.detail,
            "rule": p.rule,
            "venue_id": p.venue_id,
            "first_contact_at": p.first_at,
            "last_contact_at": p.last_at,
            "overlap_minutes": p.minutes,
        }
        for p in found.values()
    ]
    out += outside.proposal_items(mates, case.rule_edition)
    out.sort(key=lambda r: (-rules.rank(r["category"]), -r["overlap_minutes"], r["person_id"] or 0))
    return out


TRIP_MATES_SHOWN = 50  # close fellow passengers listed per trip on the case page (the API lists all)


def trip_summary(ctx: Ctx, case: TracingCase) -> list[dict[str, Any]]:
    """The case's trips with their fellow passengers as the transport rules judge them now."""
    start, end = case_window(ctx, case)
    case_trips = trips.case_trips(ctx.session, case, start, end)
    mates = trips.mates(ctx.session, case, start, end)
    labels = repository.labels_by_ids(ctx.session, [m.person_id for m in mates])
    out = []
    for ct in case_trips:
        mine = [m for m in mates if m.trip_id == ct.trip.id]
        shown = [
            {
                "name": mask_name(labels[m.person_id].name if m.person_id in labels else m.name or "?"),
                "registered": m.person_id is not None,
                "city": m.city,
                "seat": m.seat,
                "category": m.category,
                "why": m.why,
                "id_masked": m.id_masked,
            }
            for m in mine
            if m.category == "close"
        ]
        out.append(
            {
                "trip": ct.trip,
                "seat": ct.seat_text,
                "source": ct.source,
                "close": sum(m.category == "close" for m in mine),
                "general": sum(m.category == "general" for m in mine),
                "outside": sum(m.person_id is None for m in mine),
                "mates": shown[:TRIP_MATES_SHOWN],
                "rule": rules.transport_rule(case.rule_edition),
            }
        )
    return out


@dataclass(frozen=True)
class TimelineItem:
    start: datetime
    end: datetime | None
    kind: str  # scan | place | transport | household | unit
    text: str
    source: str  # scan | interview | registry | manifest


def timeline(ctx: Ctx, case: TracingCase) -> list[TimelineItem]:
    """Venue scans and interview entries in the window, plus the household and unit context."""
    start, end = case_window(ctx, case)
    visits = repository.visits_of(ctx.session, case.person_id, start, end)
    entries = repository.exposures(ctx.session, case.id)
    venues = repository.venues_by_ids(
        ctx.session, [v.venue_id for v in visits] + [e.venue_id for e in entries]
    )
    items = [
        TimelineItem(
            v.start,
            v.end,
            "scan",
            venues[v.venue_id].name if v.venue_id in venues else f"#{v.venue_id}",
            "scan",
        )
        for v in visits
    ]
    for e in entries:
        if e.kind == "transport":
            mode = rules.TRANSPORT_MODES.get(e.transport_mode or "", ("", ""))[0]
            seat = " ".join(
                x
                for x in (e.carriage and f"{e.carriage}车厢/舱", e.seat_row and f"{e.seat_row}排", e.seat)
                if x
            )
            text = f"{mode} {e.transport_number or ''} {seat}".strip()
        else:
            text = venues[e.venue_id].name if e.venue_id in venues else e.place
        items.append(
            TimelineItem(
                e.started_at, e.ended_at, e.kind, text + (f" · {e.note}" if e.note else ""), "interview"
            )
        )
    for ct in trips.case_trips(ctx.session, case, start, end):
        if ct.source == "manifest":
            mode = rules.TRANSPORT_MODES.get(ct.trip.mode, ("", ""))[0]
            text = f"{mode} {ct.trip.number} {ct.seat_text}".strip()
            items.append(TimelineItem(ct.at, None, "transport", text, "manifest"))
    items.sort(key=lambda i: i.start)
    person = ctx.session.get(Person, case.person_id)
    context: list[TimelineItem] = []
    if person is not None and person.household_id is not None:
        n = len(repository.household_members(ctx.session, person))
        context.append(
            TimelineItem(start, None, "household", f"{person.address or '住户'} · 同住 {n} 人", "registry")
        )
    rows = ctx.session.execute(
        select(Unit.name, UnitMembership.group_name, UnitMembership.role)
        .join(Unit, Unit.id == UnitMembership.unit_id)
        .where(UnitMembership.person_id == case.person_id)
    ).all()
    context += [
        TimelineItem(start, None, "unit", " · ".join(x for x in (name, group, role) if x), "registry")
        for name, group, role in rows
    ]
    return context + items


def contacts(
    ctx: Ctx,
    case: TracingCase,
    category: str | None = None,
    status: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The case's contacts: all of them, or one keyset page (`limit`) filtered by category and status."""
    if limit is None:
        rows = repository.contacts_of(ctx.session, case.id)
    else:
        rows = repository.contacts_page(ctx.session, case.id, category, status, after, limit)
    people = repository.persons_by_ids(ctx.session, [c.person_id for c in rows])
    places = repository.jurisdictions_by_paths(ctx.session, [c.jurisdiction_path for c in rows])
    return [
        contact_dict(c, people.get(c.person_id or 0), places.get(c.jurisdiction_path or "")) for c in rows
    ]


def contact_dict(c: TracingContact, person: Person | None, place: Any) -> dict[str, Any]:
    label = (
        person_label(person)
        if person
        else {"name": c.outside_name, "id_masked": "", "jurisdiction_path": None}
    )
    return {
        "id": c.id,
        "person_id": c.person_id,
        **label,
        "place": place.name if place is not None else c.outside_city,
        "degree": c.degree,
        "via_contact_id": c.via_contact_id,
        "category": c.category,
        "proposed_category": c.proposed_category,
        "status": c.status,
        "reason": c.reason,
        "detail": c.detail,
        "rule": c.rule,
        "rule_edition": c.rule_edition,
        "first_contact_at": c.first_contact_at,
        "last_contact_at": c.last_contact_at,
        "overlap_minutes": c.overlap_minutes,
        "manual": c.manual,
        "controlled_at": c.controlled_at,
        "note": c.note,
    }


def request_state(assignment_state: str | None, kind: str) -> str:
    """A request's state: its assignment's; a letter to another city is "sent", else "unrouted"."""
    return assignment_state or ("sent" if kind == "outgoing" else "unrouted")


def request_tallies(ctx: Ctx, case: TracingCase) -> dict[str, int]:
    """How many of the case's requests are in each state (as `requests` names them), and "late"."""
    out: dict[str, int] = {}
    for state, kind, overdue, n in repository.request_tallies(ctx.session, case.id, ctx.now):
        shown = request_state(state, kind)
        out[shown] = out.get(shown, 0) + n
        if state is not None and overdue and is_open(state):  # `is_late` at the deadline instant
            out["late"] = out.get("late", 0) + n
    return out


def requests(ctx: Ctx, rows: list[TracingRequest]) -> list[dict[str, Any]]:
    """The requests with the state of each (its assignment's), where they went and whether late."""
    items = (
        {
            a.id: a
            for a in ctx.session.scalars(
                select(Assignment).where(
                    Assignment.id.in_([r.assignment_id for r in rows if r.assignment_id])
                )
            )
        }
        if rows
        else {}
    )
    places = repository.jurisdictions_by_paths(ctx.session, [r.target_path for r in rows])
    out = []
    for r in rows:
        item = items.get(r.assignment_id or 0)
        out.append(
            {
                "id": r.id,
                "contact_id": r.contact_id,
                "kind": r.kind,
                "target": places[r.target_path].name if r.target_path in places else r.target_city,
                "assignment_id": r.assignment_id,
                "state": request_state(item.state if item else None, r.kind),
                "deadline": r.deadline,
                "late": bool(item and is_late(item.state, item.deadline, ctx.now)),
                "escalation_level": item.escalation_level if item else 0,
                "done_at": item.done_at if item else None,
            }
        )
    return out
