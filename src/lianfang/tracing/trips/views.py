"""A case's trips and its fellow passengers: the trips come from carriers' manifests (the case's person
is a passenger) and from interview entries naming a flight or train (matched to a manifest by number and
service day); each fellow passenger is judged by the transport guide (`rules.transport_category`).
Reads only; `propose` and `contacts` turn the fellow passengers into proposals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.jurisdictions.access import subtree_filter
from lianfang.tracing import repository, rules
from lianfang.tracing.models import TracingCase, TracingExposure, TracingPassenger, TracingTrip


@dataclass(frozen=True)
class CaseTrip:
    trip: TracingTrip
    seat: rules.Seat
    seat_text: str
    source: str  # manifest | interview
    at: datetime  # boarding (the interview's start, else 00:00 of the service day)
    until: datetime | None
    passenger_id: int | None  # the case's own manifest row


@dataclass(frozen=True)
class TripMate:
    person_id: int | None
    passenger_id: int
    category: str
    why: str
    detail: str
    first_at: datetime
    last_at: datetime | None
    name: str  # unregistered passengers only
    city: str
    phone_sealed: str
    id_masked: str
    trip_id: int
    seat: str


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def case_trips(
    session: Session,
    case: TracingCase,
    start: datetime,
    end: datetime,
    exposures: list[TracingExposure] | None = None,
) -> list[CaseTrip]:
    """The trips of the case's window: its manifest rows, then interview entries matched to a manifest
    (`exposures`: the case's interview entries, when the caller has read them)."""
    first, last = local_date(start), local_date(end)
    rows = session.execute(
        select(TracingPassenger, TracingTrip)
        .join(TracingTrip, TracingTrip.id == TracingPassenger.trip_id)
        .where(
            TracingPassenger.person_id == case.person_id,
            TracingTrip.service_date >= first,
            TracingTrip.service_date <= last,
        )
    ).all()
    out = [
        CaseTrip(
            t,
            rules.Seat(p.carriage, p.seat_row),
            p.seat or "",
            "manifest",
            _day_start(t.service_date),
            None,
            p.id,
        )
        for p, t in rows
    ]
    seen = {c.trip.id for c in out}
    entries = [
        e
        for e in (repository.exposures(session, case.id) if exposures is None else exposures)
        if e.kind == "transport" and e.transport_number and e.ended_at > start
    ]
    keys = [(e.transport_number, local_date(e.started_at)) for e in entries]
    if keys:
        stmt = select(TracingTrip).where(tuple_(TracingTrip.number, TracingTrip.service_date).in_(keys))
        found = {(t.number, t.service_date): t for t in session.scalars(stmt)}
        for entry, key in zip(entries, keys, strict=True):
            trip = found.get(key)  # type: ignore[arg-type]
            if trip is None or trip.id in seen:
                continue
            seen.add(trip.id)
            seat = " ".join(
                x for x in (entry.carriage, entry.seat_row and str(entry.seat_row), entry.seat) if x
            )
            out.append(
                CaseTrip(
                    trip,
                    rules.Seat(entry.carriage, entry.seat_row),
                    seat,
                    "interview",
                    entry.started_at,
                    entry.ended_at,
                    None,
                )
            )
    return sorted(out, key=lambda c: (c.at, c.trip.id))


def mates(
    session: Session,
    case: TracingCase,
    start: datetime,
    end: datetime,
    exposures: list[TracingExposure] | None = None,
) -> list[TripMate]:
    """Every fellow passenger of the case's trips, judged by the transport guide (one row per passenger
    and trip; `propose.merge` keeps the strongest per person)."""
    out: list[TripMate] = []
    for ct in case_trips(session, case, start, end, exposures):
        stmt = select(TracingPassenger).where(TracingPassenger.trip_id == ct.trip.id)
        for p in session.scalars(stmt.order_by(TracingPassenger.id)):
            if p.id == ct.passenger_id or (p.person_id is not None and p.person_id == case.person_id):
                continue
            category, why = rules.transport_category(
                ct.trip.mode, ct.seat, rules.Seat(p.carriage, p.seat_row)
            )
            mode = rules.TRANSPORT_MODES[ct.trip.mode][0] if ct.trip.mode in rules.TRANSPORT_MODES else ""
            detail = (
                f"{mode} {ct.trip.number} {ct.trip.service_date.isoformat()} · {p.seat or '座位不明'} · {why}"
            )
            out.append(
                TripMate(
                    p.person_id,
                    p.id,
                    category,
                    why,
                    detail,
                    ct.at,
                    ct.until,
                    p.name,
                    p.city,
                    p.phone_sealed,
                    p.id_masked,
                    ct.trip.id,
                    p.seat or "",
                )
            )
    return out


def trips_page(session: Session, actor: Actor, after: int | None, limit: int) -> list[TracingTrip]:
    """Imported trips in the caller's scope, newest first (keyset over (jurisdiction_path, id))."""
    stmt = select(TracingTrip).where(subtree_filter(actor, TracingTrip.jurisdiction_path))
    if after is not None:
        stmt = stmt.where(TracingTrip.id < after)
    return list(session.scalars(stmt.order_by(TracingTrip.id.desc()).limit(limit)))


def passenger_counts(session: Session, trip_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """trip -> (passengers, registered passengers)."""
    if not trip_ids:
        return {}
    stmt = (
        select(TracingPassenger.trip_id, func.count(), func.count(TracingPassenger.person_id))
        .where(TracingPassenger.trip_id.in_(list(trip_ids)))
        .group_by(TracingPassenger.trip_id)
    )
    return {t: (int(n), int(r)) for t, n, r in session.execute(stmt)}


def trips_of_people(
    session: Session, person_ids: Sequence[int], first: date, last: date
) -> list[tuple[int, int]]:
    """(person, trip) of the people's manifest rows on trips of [first, last] (cluster links)."""
    if not person_ids:
        return []
    stmt = (
        select(TracingPassenger.person_id, TracingPassenger.trip_id)
        .join(TracingTrip, TracingTrip.id == TracingPassenger.trip_id)
        .where(
            TracingPassenger.person_id.in_(list(person_ids)),
            TracingTrip.service_date >= first,
            TracingTrip.service_date <= last,
        )
    )
    return [(int(p), int(t)) for p, t in session.execute(stmt) if p is not None]
