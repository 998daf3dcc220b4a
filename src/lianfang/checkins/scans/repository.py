"""Queries over scans. Tracing asks "who was at venue V between T1 and T2" and "where was person P":
a visit overlaps [start, end) when `scanned_at < end AND stay_until > start`. No visit lasts longer than
`rules.MAX_STAY`, so `scanned_at > start - MAX_STAY` bounds the walk of the (venue_id, scanned_at) or
(person_id, scanned_at) index, and the matching `scan_date` range lets PostgreSQL skip every other day's
partition. Lists page by keyset on (scanned_at, id), newest first.

A batch of scans written to PostgreSQL in one statement (one round trip, one commit in autocommit).

The rows travel as one JSON parameter (encoding it is one C call; array parameters would be dumped
element by element in Python). The statement resolves each row's person (by pseudonym or ID-number
hash, each on its unique index), inserts the rows whose person is registered, skipping idempotency
keys already stored, and returns for every input row its person and, when it was inserted, the new
scan's id. Rows whose key was stored before (retries) are read afterwards with `EXISTING`; a key
inserted by another transaction at the same moment is waited for by ON CONFLICT, and read then. The
statement does not read `scans` itself, so its plan cannot turn into a scan of a day's partition.
With a status provider's relation of stored statuses (`batch_sql(relation)`) the same statement also
returns each row's stored status, turned into the visitor's door status by the provider (`Door`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from lianfang.checkins.models import Scan
from lianfang.checkins.rules import PersonInfo, Status, scan_bounds, scan_date, unknown_person
from lianfang.checkins.scans.writer import COLUMNS, Key, Outcome, ScanRow, Written
from lianfang.core.errors import Invalid
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
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


_TYPES = (
    "date",
    "int",
    "int",
    "int",
    "timestamptz",
    "timestamptz",
    "bool",
    "text",
    "int",
    "text",
    "timestamptz",
)


# A row travels as a JSON array: [n, pseudonym, id hash, the columns in writer.COLUMNS order].
_FIELDS = ", ".join(
    ["(e->>0)::int AS n", "e->>1 AS ps", "e->>2 AS ih"]
    + [f"(e->>{i + 3})::{t} AS c{i}" for i, t in enumerate(_TYPES)]
)


_SAME_KEY = "{t}.venue_id = b.c1 AND {t}.scan_date = b.c0 AND {t}.idempotency_key = b.c9"


@lru_cache(maxsize=8)
def batch_sql(statuses: str | None = None) -> str:
    """The batch statement; given a status provider's relation of stored statuses (`person_id, colour,
    popups, next_change_on`), it also returns each row's stored status, read in the same statement."""
    stored = ", st.person_id IS NOT NULL, st.colour, st.popups, st.next_change_on" if statuses else ""
    # LATERAL: one primary-key probe a row, whatever the planner thinks of the relation's size
    lateral = f"SELECT * FROM ({statuses}) s WHERE s.person_id = b.pid LIMIT 1"  # noqa: S608 (the provider's)
    join = f"LEFT JOIN LATERAL ({lateral}) st ON true" if statuses else ""
    return f"""
WITH r AS (
    SELECT {_FIELDS} FROM json_array_elements(%s::json) AS e
), b AS (
    SELECT r.*, COALESCE(r.c2, pp.id, ph.id) AS pid,
           COALESCE(pp.name, ph.name) AS pname, COALESCE(pp.id_masked, ph.id_masked) AS pmask,
           (r.ps IS NOT NULL OR r.ih IS NOT NULL) AND pp.id IS NULL AND ph.id IS NULL AS unknown
    FROM r LEFT JOIN people pp ON pp.pseudonym = r.ps LEFT JOIN people ph ON ph.id_hash = r.ih
), ins AS (
    INSERT INTO scans ({", ".join(COLUMNS)})
    SELECT c0, c1, pid, c3, c4, c5, c6, c7, c8, c9, c10 FROM b WHERE NOT unknown
    ON CONFLICT (venue_id, scan_date, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, venue_id, scan_date, idempotency_key
)
SELECT b.n, b.unknown, b.pid, b.pname, b.pmask, ins.id{stored}
FROM b LEFT JOIN ins ON {_SAME_KEY.format(t="ins")} {join}
ORDER BY b.n
"""  # noqa: S608 (the names are constants; the relation comes from the installed status provider)


BATCH = batch_sql()


EXISTING = (
    "SELECT s.id, s.venue_id, s.scan_date, s.idempotency_key, s.scanned_at, s.stay_until, s.person_id "
    "FROM scans s JOIN unnest(%s::int[], %s::date[], %s::text[]) AS k(v, d, key) "
    "ON s.venue_id = k.v AND s.scan_date = k.d AND s.idempotency_key = k.key"
)


def batch_params(rows: Sequence[ScanRow]) -> list[str]:
    encoded = []
    for n, r in enumerate(rows):
        key = r.person_key or ""
        encoded.append(
            [
                n,
                key[2:] if key.startswith("p:") else None,
                key[2:] if key.startswith("h:") else None,
                r.scan_date.isoformat(),
                r.venue_id,
                r.person_id,
                r.resident_id,
                r.scanned_at.isoformat(),
                r.stay_until.isoformat(),
                r.checked_out,
                r.source,
                r.code_id,
                r.idempotency_key,
                r.created_at.isoformat(),
            ]
        )
    return [json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))]


Door = Callable[[Sequence[Any] | None], Status | None]  # a stored status (None: no row) to a door status


class Partial:
    """Outcomes of a batch statement; rows whose key was stored before wait for `complete`. With `door`,
    the statement was `batch_sql(relation)` and each written row gets its visitor's status (None where
    the provider leaves it to the one-person read)."""

    def __init__(
        self, rows: Sequence[ScanRow], fetched: Sequence[tuple[Any, ...]], door: Door | None = None
    ) -> None:
        self.rows = rows
        self.outcomes: list[Outcome | None] = [None] * len(rows)
        self.persons: dict[int, PersonInfo | None] = {}
        self.statuses: dict[int, tuple[int, Status | None]] = {}
        claimed: set[Key] = set()
        for n, unknown, pid, pname, pmask, new_id, *stored in fetched:
            row = rows[n]
            if unknown:
                self.outcomes[n] = Invalid([unknown_person(row.person_key or "p:")])
                continue
            person = PersonInfo(pid, mask_name(pname), pmask) if row.person_key and pid is not None else None
            status = None
            if door is not None and pid is not None:
                status = door(stored[1:] if stored[0] else None)
            if new_id is None:
                self.persons[n] = person  # a stored key: its original scan is read next
                self.statuses[n] = (pid, status)
                continue
            duplicate = row.key in claimed  # the same key twice in one batch: the second is a duplicate
            claimed.add(row.key)
            self.outcomes[n] = Written(new_id, duplicate, row.scanned_at, row.stay_until, pid, person, status)

    def missing(self) -> list[list[Any]] | None:
        """Parameters for `EXISTING`, or None when every row is settled."""
        keys = [row.key for row, outcome in zip(self.rows, self.outcomes, strict=True) if outcome is None]
        return [list(k) for k in zip(*keys, strict=True)] if keys else None

    def complete(self, found: Sequence[tuple[Any, ...]]) -> list[Outcome]:
        """Every outcome, the open ones filled from the `EXISTING` read (the original scans)."""
        old = {(v, d, k): (i, s, u, p) for i, v, d, k, s, u, p in found}
        done: list[Outcome] = []
        for n, (row, outcome) in enumerate(zip(self.rows, self.outcomes, strict=True)):
            if outcome is not None:
                done.append(outcome)
                continue
            scan_id, scanned_at, stay, person_id = old[row.key]
            person = self.persons.get(n)
            same = person if person is not None and person.person_id == person_id else None
            pid, status = self.statuses.get(n, (None, None))
            known = status if pid == person_id else None  # a retry naming another person: asked anew
            done.append(Written(scan_id, True, scanned_at, stay, person_id, same, known))
        return done
