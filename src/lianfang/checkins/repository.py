"""Queries over scans. Tracing asks "who was at venue V between T1 and T2" and "where was person P":
a visit overlaps [start, end) when `scanned_at < end AND stay_until > start`. No visit lasts longer than
`rules.MAX_STAY`, so `scanned_at > start - MAX_STAY` bounds the walk of the (venue_id, scanned_at) or
(person_id, scanned_at) index, and the matching `scan_date` range lets PostgreSQL skip every other day's
partition. Lists page by keyset on (scanned_at, id), newest first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from lianfang.checkins.models import Scan
from lianfang.checkins.rules import scan_bounds, scan_date
from lianfang.people.models import Person
from lianfang.venues.models import Venue

CHUNK = 500


def scan_window(start: datetime, end: datetime) -> ColumnElement[bool]:
    """The scans of the visits overlapping [start, end), bounded by `rules.scan_bounds`."""
    bounds = scan_bounds(start, end)
    return and_(
        Scan.scanned_at > bounds.earliest,
        Scan.scanned_at < end,
        Scan.stay_until > start,
        Scan.scan_date >= bounds.first_day,
        Scan.scan_date <= bounds.last_day,
    )


def scans_at_venue(session: Session, venue_id: int, start: datetime, end: datetime) -> list[Scan]:
    """Every visit to a venue that overlaps [start, end), by time of scan."""
    stmt = select(Scan).where(Scan.venue_id == venue_id, scan_window(start, end))
    return list(session.scalars(stmt.order_by(Scan.scanned_at, Scan.id)))


def scans_of_person(session: Session, person_id: int, start: datetime, end: datetime) -> list[Scan]:
    """Every visit of a person that overlaps [start, end), by time of scan."""
    stmt = select(Scan).where(Scan.person_id == person_id, scan_window(start, end))
    return list(session.scalars(stmt.order_by(Scan.scanned_at, Scan.id)))


def _before(cursor: tuple[datetime, int] | None) -> ColumnElement[bool]:
    """Rows after a (scanned_at, id) cursor in newest-first order; the first term walks the index."""
    if cursor is None:
        return true()
    at, scan_id = cursor
    return and_(Scan.scanned_at <= at, or_(Scan.scanned_at < at, Scan.id < scan_id))


def venue_page(
    session: Session,
    venue_id: int,
    start: datetime,
    end: datetime,
    cursor: tuple[datetime, int] | None,
    limit: int,
) -> list[Scan]:
    """A venue's scans taken in [start, end), newest first."""
    stmt = select(Scan).where(
        Scan.venue_id == venue_id,
        Scan.scanned_at >= start,
        Scan.scanned_at < end,
        Scan.scan_date >= scan_date(start),
        Scan.scan_date <= scan_date(end),
        _before(cursor),
    )
    return list(session.scalars(stmt.order_by(Scan.scanned_at.desc(), Scan.id.desc()).limit(limit)))


def persons_page(
    session: Session,
    person_ids: Sequence[int],
    since: datetime,
    cursor: tuple[datetime, int] | None,
    limit: int,
) -> list[Scan]:
    """The scans of a few persons (a resident's own) since a time, newest first."""
    if not person_ids:
        return []
    stmt = select(Scan).where(
        or_(*(Scan.person_id == p for p in person_ids)),
        Scan.scanned_at >= since,
        Scan.scan_date >= scan_date(since),
        _before(cursor),
    )
    return list(session.scalars(stmt.order_by(Scan.scanned_at.desc(), Scan.id.desc()).limit(limit)))


def persons_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update({p.id: p for p in session.scalars(select(Person).where(Person.id.in_(chunk)))})
    return found


def venues_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Venue]:
    wanted = sorted(set(ids))
    found: dict[int, Venue] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update({v.id: v for v in session.scalars(select(Venue).where(Venue.id.in_(chunk)))})
    return found


def encode_cursor(scan: Scan) -> str:
    return f"{scan.scanned_at.isoformat()}~{scan.id}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """A page cursor from a query string; None when absent or malformed (the first page)."""
    if not raw or "~" not in raw:
        return None
    at, _, scan_id = raw.rpartition("~")
    try:
        moment = datetime.fromisoformat(at.replace(" ", "+"))
        return (moment, int(scan_id)) if moment.tzinfo is not None else None
    except ValueError:
        return None
