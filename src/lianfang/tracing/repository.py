"""Queries of the tracing module: where a case was (scans, interview entries), who else was there, the
household and work groups, scoped keyset lists and the metric's counts.

Venue look-ups use the `(venue_id, scanned_at)` index of scans, bounded like the check-ins repository
(`scanned_at > start − MAX_STAY`, the matching `scan_date` range prunes other days' partitions on
PostgreSQL) and read only the three columns tracing needs, with no ORM objects: a case's 20 visits are
20 index range scans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    DateTime,
    bindparam,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from lianfang.assignments.models import Assignment
from lianfang.checkins.models import Scan
from lianfang.checkins.rules import scan_bounds
from lianfang.checkins.scans.repository import scan_window
from lianfang.core.access import Actor
from lianfang.core.db import among
from lianfang.core.types import UTCDateTime
from lianfang.jurisdictions.access import subtree_filter
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.tracing.models import (
    TracingCase,
    TracingCluster,
    TracingContact,
    TracingExposure,
    TracingRequest,
)
from lianfang.units.models import Unit, UnitMembership
from lianfang.venues.models import Venue

CHUNK = 500


@dataclass(frozen=True)
class Visit:
    venue_id: int
    start: datetime
    end: datetime
    scanned: bool  # False: from an interview entry


def visits_of(session: Session, person_id: int, start: datetime, end: datetime) -> list[Visit]:
    """The person's scanned visits overlapping [start, end), clipped to it, by time."""
    stmt = (
        select(Scan.venue_id, Scan.scanned_at, Scan.stay_until)
        .where(Scan.person_id == person_id, scan_window(start, end))
        .order_by(Scan.scanned_at)
    )
    return [Visit(v, max(a, start), min(b, end), True) for v, a, b in session.execute(stmt)]


_UNIONS: dict[tuple[int, bool], Any] = {}


def _union(n: int, native_times: bool) -> Any:
    """The statement for n visits, built once: n branches over the (venue_id, scanned_at) index, each
    bounded by the longest stay and by the day partitions it can touch (bound parameters). On
    PostgreSQL the driver's aware datetimes are read as they come (no per-value conversion in Python)."""
    stmt = _UNIONS.get((n, native_times))
    if stmt is None:
        arrived, left = (
            (
                type_coerce(Scan.scanned_at, DateTime(timezone=True)),
                type_coerce(Scan.stay_until, DateTime(timezone=True)),
            )
            if native_times
            else (Scan.scanned_at, Scan.stay_until)
        )
        parts = []
        for k in range(n):
            start, end = bindparam(f"a{k}", type_=UTCDateTime()), bindparam(f"b{k}", type_=UTCDateTime())
            parts.append(
                select(literal(k).label("k"), Scan.person_id, arrived, left).where(
                    Scan.venue_id == bindparam(f"v{k}"),
                    Scan.scanned_at > bindparam(f"e{k}", type_=UTCDateTime()),
                    Scan.scanned_at < end,
                    Scan.stay_until > start,
                    Scan.scan_date >= bindparam(f"d{k}"),
                    Scan.scan_date <= bindparam(f"f{k}"),
                    Scan.person_id.is_not(None),
                )
            )
        stmt = parts[0] if n == 1 else union_all(*parts)
        _UNIONS[(n, native_times)] = stmt
    return stmt


def people_at(session: Session, visits: Sequence[Visit]) -> list[list[tuple[int, datetime, datetime]]]:
    """For each visit, (person, arrived, left) of every scan at its venue overlapping it: one UNION ALL
    statement per 50 visits, one round trip each."""
    out: list[list[tuple[int, datetime, datetime]]] = [[] for _ in visits]
    for start in range(0, len(visits), 50):
        chunk = visits[start : start + 50]
        params: dict[str, object] = {}
        for k, v in enumerate(chunk):
            earliest, first_day, last_day = scan_bounds(v.start, v.end)
            params |= {
                f"v{k}": v.venue_id,
                f"a{k}": v.start,
                f"b{k}": v.end,
                f"e{k}": earliest,
                f"d{k}": first_day,
                f"f{k}": last_day,
            }
        native = session.get_bind().dialect.name == "postgresql"
        for k, person, arrived, left in session.execute(_union(len(chunk), native), params):
            if person is not None:
                out[start + k].append((person, arrived, left))
    return out


def venues_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, Venue]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Venue] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update({v.id: v for v in session.scalars(select(Venue).where(Venue.id.in_(chunk)))})
    return found


def persons_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update({p.id: p for p in session.scalars(select(Person).where(Person.id.in_(chunk)))})
    return found


class Label(NamedTuple):  # a tuple: hundreds are built for one proposals list
    name: str
    id_masked: str
    jurisdiction_path: str


def labels_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, Label]:
    """Name, masked ID and place of many persons: plain columns, no ORM objects (the proposals list)."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Label] = {}
    for start in range(0, len(wanted), 5 * CHUNK):
        chunk = wanted[start : start + 5 * CHUNK]
        cols = select(Person.id, Person.name, Person.id_masked, Person.jurisdiction_path)
        found.update(
            {
                i: Label(n, m, p)
                for i, n, m, p in session.execute(cols.where(among(session, Person.id, chunk)))
            }
        )
    return found


def jurisdictions_by_paths(session: Session, paths: Iterable[str | None]) -> dict[str, Jurisdiction]:
    wanted = sorted({p for p in paths if p})
    found: dict[str, Jurisdiction] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            {j.path: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.path.in_(chunk)))}
        )
    return found


def household_members(session: Session, person: Person) -> list[int]:
    if person.household_id is None:
        return []
    stmt = select(Person.id).where(Person.household_id == person.household_id, Person.id != person.id)
    return [int(i) for i in session.scalars(stmt.order_by(Person.id))]


def group_mates(session: Session, person_id: int, since: date) -> list[tuple[int, Unit, str]]:
    """(person, unit, group) sharing a named group (class, office, workshop) with the person."""
    mine = session.execute(
        select(UnitMembership.unit_id, UnitMembership.group_name).where(
            UnitMembership.person_id == person_id,
            UnitMembership.group_name != "",
            (UnitMembership.end_date.is_(None)) | (UnitMembership.end_date >= since),
        )
    ).all()
    out: list[tuple[int, Unit, str]] = []
    for unit_id, group in mine:
        unit = session.get(Unit, unit_id)
        if unit is None:
            continue
        stmt = select(UnitMembership.person_id).where(
            UnitMembership.unit_id == unit_id,
            UnitMembership.group_name == group,
            UnitMembership.person_id != person_id,
            (UnitMembership.end_date.is_(None)) | (UnitMembership.end_date >= since),
        )
        out.extend((int(p), unit, group) for p in session.scalars(stmt))
    return out


def exposures(session: Session, case_id: int) -> list[TracingExposure]:
    stmt = select(TracingExposure).where(TracingExposure.case_id == case_id)
    return list(session.scalars(stmt.order_by(TracingExposure.started_at, TracingExposure.id)))


def fellow_travellers(session: Session, entry: TracingExposure) -> list[tuple[TracingExposure, TracingCase]]:
    """Other cases' trips on the same vehicle (mode, number, local day)."""
    if entry.transport_number is None:
        return []
    day_start = entry.started_at - timedelta(hours=12)
    stmt = (
        select(TracingExposure, TracingCase)
        .join(TracingCase, TracingCase.id == TracingExposure.case_id)
        .where(
            TracingExposure.transport_number == entry.transport_number,
            TracingExposure.started_at > day_start,
            TracingExposure.started_at < entry.started_at + timedelta(hours=12),
            TracingExposure.transport_mode == entry.transport_mode,
            TracingExposure.case_id != entry.case_id,
            TracingCase.status != "discarded",
        )
    )
    return [(e, c) for e, c in session.execute(stmt)]


def contacts_of(session: Session, case_id: int) -> list[TracingContact]:
    stmt = select(TracingContact).where(TracingContact.case_id == case_id)
    return list(session.scalars(stmt.order_by(TracingContact.degree, TracingContact.id)))


def contacts_page(
    session: Session, case_id: int, category: str | None, status: str | None, after: int | None, limit: int
) -> list[TracingContact]:
    """One keyset page of a case's contacts, by id, over the (case_id, id) index."""
    stmt = select(TracingContact).where(TracingContact.case_id == case_id)
    if category:
        stmt = stmt.where(TracingContact.category == category)
    if status:
        stmt = stmt.where(TracingContact.status == status)
    if after is not None:
        stmt = stmt.where(TracingContact.id > after)
    return list(session.scalars(stmt.order_by(TracingContact.id).limit(limit)))


def contact_counts(session: Session, case_id: int) -> dict[tuple[str, str], int]:
    """(category, status) -> number of the case's contacts."""
    stmt = (
        select(TracingContact.category, TracingContact.status, func.count())
        .where(TracingContact.case_id == case_id)
        .group_by(TracingContact.category, TracingContact.status)
    )
    return {(c, s): int(n) for c, s, n in session.execute(stmt)}


def latest_requests(session: Session, case_id: int, limit: int) -> list[TracingRequest]:
    """The case's latest `limit` requests, by id."""
    stmt = select(TracingRequest).where(TracingRequest.case_id == case_id)
    return list(reversed(session.scalars(stmt.order_by(TracingRequest.id.desc()).limit(limit)).all()))


def requests_page(session: Session, case_id: int, after: int | None, limit: int) -> list[TracingRequest]:
    """One keyset page of the case's requests, by id."""
    stmt = select(TracingRequest).where(TracingRequest.case_id == case_id)
    if after is not None:
        stmt = stmt.where(TracingRequest.id > after)
    return list(session.scalars(stmt.order_by(TracingRequest.id).limit(limit)))


def request_tallies(session: Session, case_id: int, now: datetime) -> list[tuple[str | None, str, bool, int]]:
    """(assignment state or None, request kind, assignment deadline passed, count) over the case's
    requests: one grouped read however many there are."""
    overdue = func.coalesce(Assignment.deadline <= now, False)
    stmt = (
        select(Assignment.state, TracingRequest.kind, overdue, func.count())
        .select_from(TracingRequest)
        .outerjoin(Assignment, Assignment.id == TracingRequest.assignment_id)
        .where(TracingRequest.case_id == case_id)
        .group_by(Assignment.state, TracingRequest.kind, overdue)
    )
    return [(state, kind, bool(late), int(n)) for state, kind, late, n in session.execute(stmt)]


def open_case_of(session: Session, person_id: int) -> TracingCase | None:
    stmt = select(TracingCase).where(TracingCase.person_id == person_id, TracingCase.status != "discarded")
    return session.scalar(stmt.order_by(TracingCase.id.desc()).limit(1))


def controlling_contact(session: Session, person_id: int, before: datetime) -> TracingContact | None:
    """A confirmed contact record of the person decided before `before`: the person was under control."""
    stmt = select(TracingContact).where(
        TracingContact.person_id == person_id,
        TracingContact.status == "confirmed",
        TracingContact.decided_at < before,
    )
    return session.scalar(stmt.order_by(TracingContact.degree, TracingContact.id).limit(1))


def cases_page(
    session: Session, actor: Actor, status: str | None, after: int | None, limit: int
) -> list[TracingCase]:
    stmt = select(TracingCase).where(subtree_filter(actor, TracingCase.jurisdiction_path))
    if status:
        stmt = stmt.where(TracingCase.status == status)
    if after is not None:
        stmt = stmt.where(TracingCase.id < after)
    return list(session.scalars(stmt.order_by(TracingCase.id.desc()).limit(limit)))


def clusters_page(session: Session, actor: Actor, after: int | None, limit: int) -> list[TracingCluster]:
    stmt = select(TracingCluster).where(subtree_filter(actor, TracingCluster.jurisdiction_path))
    if after is not None:
        stmt = stmt.where(TracingCluster.id < after)
    return list(session.scalars(stmt.order_by(TracingCluster.id.desc()).limit(limit)))


def cluster_sizes(session: Session, cluster_ids: Sequence[int]) -> dict[int, int]:
    if not cluster_ids:
        return {}
    stmt = (
        select(TracingCase.cluster_id, func.count())
        .where(TracingCase.cluster_id.in_(list(cluster_ids)), TracingCase.status != "discarded")
        .group_by(TracingCase.cluster_id)
    )
    return {c: int(n) for c, n in session.execute(stmt) if c is not None}


def cluster_cases(session: Session, cluster_id: int) -> list[TracingCase]:
    stmt = select(TracingCase).where(TracingCase.cluster_id == cluster_id, TracingCase.status != "discarded")
    return list(session.scalars(stmt.order_by(TracingCase.id)))


def found_by_counts(
    session: Session, actor: Actor, start: datetime, end: datetime
) -> list[tuple[str, datetime, str]]:
    """(jurisdiction_path, reported_at, found_by) of the non-discarded cases reported in [start, end)."""
    stmt = select(TracingCase.jurisdiction_path, TracingCase.reported_at, TracingCase.found_by).where(
        subtree_filter(actor, TracingCase.jurisdiction_path),
        TracingCase.reported_at >= start,
        TracingCase.reported_at < end,
        TracingCase.status != "discarded",
    )
    return [(p, at, f) for p, at, f in session.execute(stmt)]


def venue_id_by_code(session: Session, code: str) -> int | None:
    found = session.scalar(select(Venue.id).where(Venue.code == code.strip().upper()))
    return int(found) if found is not None else None


def case_ids_by_codes(session: Session, codes: Sequence[str]) -> list[int]:
    if not codes:
        return []
    return [int(i) for i in session.scalars(select(TracingCase.id).where(TracingCase.code.in_(list(codes))))]
