"""Links between cases for cluster suggestions, found set-based for a batch of cases (one query per kind
of link, never per pair): infector links, the same household, the same unit (and class or office), the
same venue at overlapping times within both cases' windows, and the same trip (manifests and interview
entries). The judgement of each pair is `rules` (pure); this module only reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.checkins.models import Scan
from lianfang.checkins.scans.repository import scan_window
from lianfang.core.clock import local_date
from lianfang.people.models import Person
from lianfang.tracing import repository, rules
from lianfang.tracing.models import TracingCase, TracingExposure, TracingTrip
from lianfang.tracing.trips import views as trips
from lianfang.units.models import Unit, UnitMembership

Window = tuple[datetime, datetime]


def _pairs(groups: dict[object, list[int]], kind: str, detail: dict[object, str]) -> list[rules.Link]:
    out: list[rules.Link] = []
    for key, ids in groups.items():
        unique = sorted(set(ids))
        out += [rules.link(a, b, kind, detail[key]) for i, a in enumerate(unique) for b in unique[i + 1 :]]
    return out


def _household_and_units(session: Session, cases: Sequence[TracingCase]) -> list[rules.Link]:
    by_person: dict[int, list[int]] = defaultdict(list)
    for c in cases:
        by_person[c.person_id].append(c.id)
    people = list(by_person)
    homes: dict[object, list[int]] = defaultdict(list)
    for start in range(0, len(people), repository.CHUNK):
        stmt = select(Person.id, Person.household_id).where(
            Person.id.in_(people[start : start + repository.CHUNK]), Person.household_id.is_not(None)
        )
        for person_id, home in session.execute(stmt):
            homes[home] += by_person[person_id]
    out = _pairs(homes, "household", dict.fromkeys(homes, "同户"))
    groups: dict[object, list[int]] = defaultdict(list)
    names: dict[object, str] = {}
    for start in range(0, len(people), repository.CHUNK):
        members = (
            select(UnitMembership.person_id, UnitMembership.unit_id, UnitMembership.group_name, Unit.name)
            .join(Unit, Unit.id == UnitMembership.unit_id)
            .where(UnitMembership.person_id.in_(people[start : start + repository.CHUNK]))
        )
        for person_id, unit_id, group, unit_name in session.execute(members):
            groups[(unit_id, "")] += by_person[person_id]  # the same unit, whatever the group
            names[(unit_id, "")] = unit_name
            if group:
                groups[(unit_id, group)] += by_person[person_id]
                names[(unit_id, group)] = f"{unit_name} · {group}"
    return out + _pairs(groups, "group", names)


def _venues(session: Session, cases: Sequence[TracingCase], windows: dict[int, Window]) -> list[rules.Link]:
    """Visits of every case in its window (one range scan per person on (person_id, scanned_at)), then
    the pairs at one venue whose visits overlap."""
    start = min(w[0] for w in windows.values())
    end = max(w[1] for w in windows.values())
    by_person: dict[int, list[int]] = defaultdict(list)
    for c in cases:
        by_person[c.person_id].append(c.id)
    at_venue: dict[int, list[tuple[int, Window]]] = defaultdict(list)
    people = list(by_person)
    for chunk_start in range(0, len(people), repository.CHUNK):
        stmt = select(Scan.person_id, Scan.venue_id, Scan.scanned_at, Scan.stay_until).where(
            Scan.person_id.in_(people[chunk_start : chunk_start + repository.CHUNK]), scan_window(start, end)
        )
        for person_id, venue_id, arrived, left in session.execute(stmt):
            for case_id in by_person.get(person_id or 0, []):
                w = windows[case_id]
                if left > w[0] and arrived < w[1]:
                    at_venue[venue_id].append((case_id, (max(arrived, w[0]), min(left, w[1]))))
    shared = {v: visits for v, visits in at_venue.items() if len({c for c, _w in visits}) > 1}
    venues = repository.venues_by_ids(session, shared)
    out: dict[tuple[int, int], rules.Link] = {}
    for venue_id, visits in shared.items():
        for i, (a, wa) in enumerate(visits):
            for b, wb in visits[i + 1 :]:
                minutes = rules.venue_overlap(wa, wb) if a != b else None
                key = (min(a, b), max(a, b))
                if minutes is not None and key not in out:
                    name = venues[venue_id].name if venue_id in venues else f"#{venue_id}"
                    when = local_date(max(wa[0], wb[0])).isoformat()
                    out[key] = rules.link(a, b, "venue", f"{name} · {when} · {round(minutes)} min")
    return list(out.values())


def _trips(session: Session, cases: Sequence[TracingCase], windows: dict[int, Window]) -> list[rules.Link]:
    by_person: dict[int, list[int]] = defaultdict(list)
    for c in cases:
        by_person[c.person_id].append(c.id)
    first = local_date(min(w[0] for w in windows.values()))
    last = local_date(max(w[1] for w in windows.values()))
    groups: dict[object, list[int]] = defaultdict(list)
    labels: dict[object, str] = {}
    trip_ids: set[int] = set()
    for person_id, trip_id in trips.trips_of_people(session, list(by_person), first, last):
        groups[("trip", trip_id)] += by_person[person_id]
        trip_ids.add(trip_id)
    ids = [c.id for c in cases]
    for chunk_start in range(0, len(ids), repository.CHUNK):
        stmt = select(
            TracingExposure.case_id, TracingExposure.transport_number, TracingExposure.started_at
        ).where(
            TracingExposure.case_id.in_(ids[chunk_start : chunk_start + repository.CHUNK]),
            TracingExposure.kind == "transport",
        )
        for case_id, number, at in session.execute(stmt):
            key = ("entry", number, local_date(at))
            groups[key].append(case_id)
            labels[key] = f"{number} {local_date(at).isoformat()}"
    for trip in session.scalars(select(TracingTrip).where(TracingTrip.id.in_(sorted(trip_ids)))):
        labels[("trip", trip.id)] = f"{trip.number} {trip.service_date.isoformat()}"
        entry_key = ("entry", trip.number, trip.service_date)
        if entry_key in groups:  # an interview entry and a manifest row name the same trip
            groups[("trip", trip.id)] += groups.pop(entry_key)
    return _pairs(groups, "trip", labels)


def find(session: Session, cases: Sequence[TracingCase], windows: dict[int, Window]) -> list[rules.Link]:
    """Every link among `cases` (windows: each case's exposure window)."""
    if len(cases) < 2:
        return []
    ids = {c.id for c in cases}
    out = [
        rules.link(c.id, c.infector_case_id, "infector", "")
        for c in cases
        if c.infector_case_id in ids and c.infector_case_id != c.id
    ]
    out += _household_and_units(session, cases)
    out += _venues(session, cases, windows)
    out += _trips(session, cases, windows)
    return [x for x in out if x.a != x.b]
