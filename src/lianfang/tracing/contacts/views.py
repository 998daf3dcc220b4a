"""Contact proposal: from a case's window, who should be judged a contact and why (each proposal names
its reason, the rule it applies and the rule set's edition). Reads only; `service.propose` stores.

Sources of exposure: the household; named groups in units (class, office, workshop); the case's venue
scans and the interview entries that name a venue (the people whose scans overlap, classified by overlap
minutes per venue kind); the case's trips (other cases on the same vehicle, and the passengers of
carriers' manifests, by the seat rules). Secondary contacts come from each close contact's own
household, groups and close venue overlaps between its first contact with the case and its control."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from lianfang.core.clock import local_date
from lianfang.core.db import generic_plans
from lianfang.people.models import Person
from lianfang.tracing import repository, rules
from lianfang.tracing.contacts import repository as venue_sql
from lianfang.tracing.models import TracingCase, TracingExposure
from lianfang.tracing.repository import Visit
from lianfang.tracing.trips import views as trips
from lianfang.venues.models import Venue
from lianfang.venues.rules import rules_for as venue_rules_for


@dataclass(slots=True)
class Proposal:
    person_id: int
    category: str
    reason: str
    detail: str
    rule: str
    venue_id: int | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None
    minutes: int = 0
    label: repository.Label | None = None  # name, masked ID and place when the query read them already


def _better(old: Proposal | None, new: Proposal) -> Proposal:
    if old is None:
        return new
    keep, other = (
        (new, old)
        if (rules.rank(new.category), new.minutes) > (rules.rank(old.category), old.minutes)
        else (old, new)
    )
    firsts = [t for t in (keep.first_at, other.first_at) if t is not None]
    lasts = [t for t in (keep.last_at, other.last_at) if t is not None]
    return replace(keep, first_at=min(firsts) if firsts else None, last_at=max(lasts) if lasts else None)


def merge(proposals: Iterable[Proposal], exclude: set[int]) -> dict[int, Proposal]:
    """One proposal per person: the strongest category, then the longest overlap; earliest first contact."""
    out: dict[int, Proposal] = {}
    for p in proposals:
        if p.person_id not in exclude:
            out[p.person_id] = _better(out.get(p.person_id), p)
    return out


def _rule(reason: str, edition: str) -> str:
    return f"{rules.REASONS[reason][2]} · {edition}"


def case_visits(
    session: Session, case: TracingCase, start: datetime, end: datetime, entries: list[TracingExposure]
) -> list[Visit]:
    visits = repository.visits_of(session, case.person_id, start, end)
    for entry in entries:
        if entry.kind == "place" and entry.venue_id is not None and entry.ended_at > start:
            visits.append(
                Visit(entry.venue_id, max(entry.started_at, start), min(entry.ended_at, end), False)
            )
    return visits


def _small_room(venue: Venue, at: datetime) -> bool:
    return venue_rules_for(local_date(at)).is_enclosed(venue.kind) and rules.is_small(venue.capacity)


def venue_proposals(
    session: Session, visits: list[Visit], ruleset: rules.RuleSet, secondary: bool = False
) -> list[Proposal]:
    """The people whose scans overlap the visits, classified by overlap minutes per venue kind."""
    venues = repository.venues_by_ids(session, [v.venue_id for v in visits])
    visits = [v for v in visits if v.venue_id in venues]
    if secondary:  # only a long time in a small enclosed room makes a secondary contact: ask for no other
        visits = [v for v in visits if _small_room(venues[v.venue_id], v.start)]
    limits = [_limits(venues[v.venue_id], v, ruleset, secondary) for v in visits]
    judge = _judged_in_database if session.get_bind().dialect.name == "postgresql" else _judged_in_python
    return judge(session, visits, venues, limits, ruleset, secondary)


def _judged_in_python(
    session: Session,
    visits: list[Visit],
    venues: dict[int, Venue],
    limits: list[venue_sql.Limits],
    ruleset: rules.RuleSet,
    secondary: bool,
) -> list[Proposal]:
    present = repository.people_at(session, visits)
    out: list[Proposal] = []
    for visit, limit, people in zip(visits, limits, present, strict=True):
        venue = venues[visit.venue_id]
        for person_id, arrived, left in people:
            first, last = max(visit.start, arrived), min(visit.end, left)
            minutes = (last - first).total_seconds() / 60
            judged = rules.classify((limit.close, limit.general), minutes)
            if judged is not None:
                out.append(
                    _venue_proposal(person_id, judged, venue, visit, first, last, minutes, ruleset, secondary)
                )
    return out


def _limits(venue: Venue, visit: Visit, ruleset: rules.RuleSet, secondary: bool) -> venue_sql.Limits:
    if secondary:  # the visits are small enclosed rooms already: a long enough time there, nothing else
        return venue_sql.Limits(None, float(ruleset.secondary_venue_minutes))
    enclosed = venue_rules_for(local_date(visit.start)).is_enclosed(venue.kind)
    close, general = rules.venue_limits(ruleset, venue.kind, enclosed, venue.capacity)
    return venue_sql.Limits(close, general)


def _venue_proposal(
    person_id: int,
    judged: tuple[str, str],
    venue: Venue,
    visit: Visit,
    first: datetime,
    last: datetime,
    minutes: float,
    ruleset: rules.RuleSet,
    secondary: bool,
    label: repository.Label | None = None,
) -> Proposal:
    category, reason = ("secondary", "secondary") if secondary else judged
    note = f"{venue.name} · {round(minutes)} min" + ("" if visit.scanned else " · 问询")
    rule = _rule(reason, ruleset.edition)
    return Proposal(person_id, category, reason, note, rule, venue.id, first, last, round(minutes), label)


def _judged_in_database(
    session: Session,
    visits: list[Visit],
    venues: dict[int, Venue],
    limits: list[venue_sql.Limits],
    ruleset: rules.RuleSet,
    secondary: bool,
) -> list[Proposal]:
    """`venue_proposals` on PostgreSQL: judged and merged per person in one statement (`venue_sql`)."""
    spans = [(v.venue_id, v.start, v.end) for v in visits]
    out = []
    for best in venue_sql.best_per_person(session, spans, limits):
        visit, limit = visits[best.k], limits[best.k]
        judged = rules.classify((limit.close, limit.general), best.minutes)
        assert judged is not None, "the statement returns judged overlaps only"
        label = repository.Label(best.name, best.id_masked, best.jurisdiction_path)
        venue = venues[visit.venue_id]
        out.append(
            _venue_proposal(
                best.person_id,
                judged,
                venue,
                visit,
                best.first,
                best.last,
                best.minutes,
                ruleset,
                secondary,
                label,
            )
        )
    return out


def household_and_group(
    session: Session,
    person: Person,
    start: datetime,
    category: str,
    reason_home: str,
    reason_group: str,
    ruleset: rules.RuleSet,
) -> list[Proposal]:
    out = [
        Proposal(p, category, reason_home, "同住", _rule(reason_home, ruleset.edition), first_at=start)
        for p in repository.household_members(session, person)
    ]
    for p, unit, group in repository.group_mates(session, person.id, local_date(start)):
        out.append(
            Proposal(
                p,
                category,
                reason_group,
                f"{unit.name} · {group}",
                _rule(reason_group, ruleset.edition),
                first_at=start,
            )
        )
    return out


def transport_proposals(
    session: Session, entries: list[TracingExposure], ruleset: rules.RuleSet
) -> list[Proposal]:
    out: list[Proposal] = []
    for entry in entries:
        if entry.kind != "transport" or entry.transport_mode is None:
            continue
        mine = rules.Seat(entry.carriage, entry.seat_row)
        for other, other_case in repository.fellow_travellers(session, entry):
            category, why = rules.transport_category(
                entry.transport_mode, mine, rules.Seat(other.carriage, other.seat_row)
            )
            out.append(
                Proposal(
                    other_case.person_id,
                    category,
                    "transport",
                    f"{entry.transport_number} · {why}",
                    _rule("transport", ruleset.edition),
                    first_at=max(entry.started_at, other.started_at),
                    last_at=min(entry.ended_at, other.ended_at),
                )
            )
    return out


def propose_for_case(
    session: Session, case: TracingCase, ruleset: rules.RuleSet, start: datetime, end: datetime
) -> tuple[dict[int, Proposal], list[trips.TripMate]]:
    """Every first-degree proposal of a case, one per person, and the case's fellow passengers (which
    the callers show or store, the unregistered ones too)."""
    person = session.get(Person, case.person_id)
    found: list[Proposal] = []
    if person is not None:
        found += household_and_group(session, person, start, "close", "household", "group", ruleset)
    entries = repository.exposures(session, case.id)
    with generic_plans(session):
        found += venue_proposals(session, case_visits(session, case, start, end, entries), ruleset)
    found += transport_proposals(session, entries, ruleset)
    mates = trips.mates(session, case, start, end, entries)
    found += manifest_proposals(mates, ruleset)
    return merge(found, {case.person_id}), mates


def manifest_proposals(mates: list[trips.TripMate], ruleset: rules.RuleSet) -> list[Proposal]:
    """Registered fellow passengers of the case's trips (carriers' manifests), by the transport guide."""
    rule = rules.transport_rule(ruleset.edition)
    return [
        Proposal(m.person_id, m.category, "transport", m.detail, rule, first_at=m.first_at, last_at=m.last_at)
        for m in mates
        if m.person_id is not None
    ]


def propose_secondary(
    session: Session, contact_person_id: int, ruleset: rules.RuleSet, start: datetime, end: datetime
) -> dict[int, Proposal]:
    """The contacts of a close contact (同住、同工作、同娱乐) in [first contact, controlled)."""
    person = session.get(Person, contact_person_id)
    if person is None or not ruleset.secondary:
        return {}
    found = household_and_group(session, person, start, "secondary", "secondary", "secondary", ruleset)
    with generic_plans(session):
        visits = repository.visits_of(session, contact_person_id, start, end)
        found += [
            replace(p, category="secondary", reason="secondary", rule=_rule("secondary", ruleset.edition))
            for p in venue_proposals(session, visits, ruleset, secondary=True)
        ]
    return merge(found, {contact_person_id})
