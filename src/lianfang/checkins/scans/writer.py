"""Writing scans: one multi-row statement per transaction, and the group-commit writer.

The database commits a few thousand single-row transactions a second (each waits for its WAL flush), so
the single-scan paths do not commit per request: a request hands its validated row to the writer and
awaits it; the writer (`core.group_commit`, with `write_rows` as its batch) takes everything queued,
resolves the rows' persons and inserts the rows in one transaction, commits, and only then wakes the
requests, which answer. Nothing is acknowledged before its commit, so a server killed right after
answering has lost nothing it answered.

A row names its person by a look-up key (`p:` pseudonym, `h:` ID-number hash) that the writer resolves
for the whole batch in one query; a row whose person is not registered is refused (`Invalid`) and the
others go on. The idempotency key is unique per (venue, day): a retried row inserts nothing and gets
the original scan. This module's thread writer serves SQLite and tests; `async_writer` serves a
PostgreSQL server from its event loop with the same statements.

Given the runtime's event bus, the scan writers also read the visitors' health statuses for the whole
batch in one query (`status.batch_statuses`) and hand each request its visitor's `Written.status`; a
status the provider could not give in the batch (None) is asked for by the request itself.

The group-commit writer on PostgreSQL in a server: `core.group_commit.AsyncGroupWriter` (a task on
the server's event loop with a few asynchronous psycopg connections of its own) with the scans' batch
statement.

Same contract as `writer.GroupCommitWriter` (a request awaits its row's commit), but no thread: a writer
thread shares the interpreter lock with the event loop, and handing batches and answers between them
cost more than the inserts. Each batch is one statement in autocommit (`pgwrite.BATCH`), so it is one
round trip and one durable commit. Used when the runtime's sessions are bound to a PostgreSQL engine (a
served app); tests, which bind sessions to one connection in a transaction, and SQLite use the thread
writer. The visitors' stored statuses are read by the same statement (`pgwrite.batch_sql` with the
status provider's relation; see `status.StoredStatusProvider`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, or_, select, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from lianfang.checkins.models import Scan
from lianfang.checkins.rules import PersonInfo, Status, unknown_person
from lianfang.checkins.scans.ports import batch_statuses, stored_provider
from lianfang.core import group_commit
from lianfang.core.errors import Invalid
from lianfang.core.events import EventBus
from lianfang.people.models import Person
from lianfang.people.rules import mask_name

Key = tuple[int, date, str]


COLUMNS = (
    "scan_date",
    "venue_id",
    "person_id",
    "resident_id",
    "scanned_at",
    "stay_until",
    "checked_out",
    "source",
    "code_id",
    "idempotency_key",
    "created_at",
)


@dataclass(frozen=True)
class ScanRow:
    scan_date: date
    venue_id: int
    person_id: int | None
    resident_id: int | None
    scanned_at: datetime
    stay_until: datetime
    checked_out: bool
    source: str
    code_id: int | None
    idempotency_key: str
    created_at: datetime
    person_key: str | None = None  # resolved by the writer into person_id when given

    @property
    def key(self) -> Key:
        return (self.venue_id, self.scan_date, self.idempotency_key)

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


@dataclass(frozen=True)
class Written:
    """The stored scan for a row: new, or the original one when the key had been used (`duplicate`)."""

    scan_id: int
    duplicate: bool
    scanned_at: datetime
    stay_until: datetime
    person_id: int | None
    person: PersonInfo | None = None
    status: Status | None = None  # the visitor's, read with the batch; None: not read yet


Outcome = Written | BaseException


log = logging.getLogger(__name__)


def status_wanted(rows: Sequence[ScanRow], outcomes: Sequence[Outcome]) -> tuple[set[int], datetime]:
    """The persons whose statuses a batch answers with, and the moment to ask at: the batch's latest
    request time (a status fresh then is fresh for every earlier request; one due to be re-derived
    is left to each request's own slow path)."""
    ids = {o.person_id for o in outcomes if isinstance(o, Written) and o.person_id is not None}
    return ids, max(r.created_at for r in rows)


def with_statuses(outcomes: Sequence[Outcome], statuses: dict[int, Status]) -> list[Outcome]:
    return [
        replace(o, status=statuses.get(o.person_id))
        if isinstance(o, Written) and o.person_id is not None
        else o
        for o in outcomes
    ]


def person_rows(found: Sequence[tuple[int, str, str, str, str]]) -> dict[str, PersonInfo]:
    """Persons by look-up key, from (id, pseudonym, id_hash, name, id_masked) rows."""
    out: dict[str, PersonInfo] = {}
    for person_id, pseudonym, digest, name, id_masked in found:
        info = PersonInfo(person_id, mask_name(name), id_masked)
        out[f"p:{pseudonym}"] = out[f"h:{digest}"] = info
    return out


def person_params(rows: Sequence[ScanRow]) -> list[list[str]] | None:
    keys = {r.person_key for r in rows if r.person_key}
    if not keys:
        return None
    return [[k[2:] for k in keys if k.startswith("p:")], [k[2:] for k in keys if k.startswith("h:")]]


def bind_persons(rows: Sequence[ScanRow], persons: dict[str, PersonInfo]) -> list[ScanRow | Invalid]:
    """Each row with its person id filled in, or the problem when its person is not registered."""
    out: list[ScanRow | Invalid] = []
    for row in rows:
        if row.person_key is None:
            out.append(row)
        elif row.person_key in persons:
            out.append(replace(row, person_id=persons[row.person_key].person_id))
        else:
            out.append(Invalid([unknown_person(row.person_key)]))
    return out


def results(
    rows: Sequence[ScanRow | Invalid],
    new: dict[Key, int],
    old: dict[Key, tuple[Any, ...]],
    persons: dict[str, PersonInfo] | None = None,
) -> list[Outcome]:
    out: list[Outcome] = []
    claimed: set[Key] = set()
    for row in rows:
        if isinstance(row, Invalid):
            out.append(row)
            continue
        person = (persons or {}).get(row.person_key) if row.person_key else None
        if row.key in new and row.key not in claimed:
            claimed.add(row.key)  # the same key twice in one batch: the second is a duplicate
            out.append(Written(new[row.key], False, row.scanned_at, row.stay_until, row.person_id, person))
        elif row.key in new:
            out.append(Written(new[row.key], True, row.scanned_at, row.stay_until, row.person_id, person))
        else:
            scan_id, scanned_at, stay, person_id = old[row.key]
            same = person if person is not None and person.person_id == person_id else None
            out.append(Written(scan_id, True, scanned_at, stay, person_id, same))
    return out


def write_rows(session: Session, rows: Sequence[ScanRow]) -> list[Outcome]:
    """Resolve persons and insert rows (one statement on PostgreSQL), skipping keys already stored;
    one outcome per row, in order."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _write_postgres(session, rows)
    return _write_sqlite(session, rows)


def _write_postgres(session: Session, rows: Sequence[ScanRow]) -> list[Outcome]:
    from lianfang.checkins.scans import repository as pgwrite

    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(pgwrite.BATCH, pgwrite.batch_params(rows))
        partial = pgwrite.Partial(rows, cursor.fetchall())
        found: list[tuple[Any, ...]] = []
        missing = partial.missing()
        if missing:
            cursor.execute(pgwrite.EXISTING, missing)
            found = cursor.fetchall()
    return partial.complete(found)


def _sqlite_persons(session: Session, rows: Sequence[ScanRow]) -> dict[str, PersonInfo]:
    wanted = person_params(rows)
    if not wanted:
        return {}
    found = session.execute(
        select(Person.id, Person.pseudonym, Person.id_hash, Person.name, Person.id_masked).where(
            or_(Person.pseudonym.in_(wanted[0]), Person.id_hash.in_(wanted[1]))
        )
    )
    return person_rows([tuple(r) for r in found])  # type: ignore[misc]


def _write_sqlite(session: Session, rows: Sequence[ScanRow]) -> list[Outcome]:
    table = Scan.__table__
    assert isinstance(table, Table)
    persons = _sqlite_persons(session, rows)
    bound = bind_persons(rows, persons)
    new: dict[Key, int] = {}
    for row in bound:
        if isinstance(row, Invalid):
            continue
        stmt = (
            sqlite_insert(table)
            .values(dict(zip(COLUMNS, row.values(), strict=True)))
            .on_conflict_do_nothing(
                index_elements=["venue_id", "scan_date", "idempotency_key"],
                index_where=table.c.idempotency_key.is_not(None),
            )
            .returning(table.c.id)
        )
        scan_id = session.execute(stmt).scalar()
        if scan_id is not None:
            new[row.key] = scan_id
    missing = [r.key for r in bound if isinstance(r, ScanRow) and r.key not in new]
    old: dict[Key, tuple[Any, ...]] = {}
    for start in range(0, len(missing), 300):
        key = tuple_(Scan.venue_id, Scan.scan_date, Scan.idempotency_key)
        found = session.execute(
            select(Scan.id, Scan.venue_id, Scan.scan_date, Scan.idempotency_key)
            .add_columns(Scan.scanned_at, Scan.stay_until, Scan.person_id)
            .where(key.in_(missing[start : start + 300]))
        )
        old.update({(v, d, k): (i, s, u, p) for i, v, d, k, s, u, p in found})
    return results(bound, new, old, persons)


class GroupCommitWriter(group_commit.GroupCommitWriter[ScanRow, Written]):
    """The scans' thread writer: `core.group_commit.GroupCommitWriter` with `write_rows` as its batch."""

    name = "scan-writer"

    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None, **kw: Any) -> None:
        super().__init__(factory, **kw)
        self.bus = bus

    def write_batch(self, session: Session, items: list[ScanRow]) -> list[Outcome]:
        outcomes = write_rows(session, items)
        if self.bus is None:
            return outcomes
        ids, now = status_wanted(items, outcomes)
        try:
            with session.begin_nested():  # a failed status read must not undo the scans
                statuses = batch_statuses(self.bus, session, ids, now)
        except Exception:
            log.exception("%s: status read failed; each request asks on its own", self.name)
            return outcomes
        return with_statuses(outcomes, statuses)


class AsyncGroupWriter(group_commit.AsyncGroupWriter[ScanRow, Written]):
    name = "scan-writer"

    def __init__(self, url: URL, bus: EventBus | None = None, **kw: Any) -> None:
        super().__init__(url, **kw)
        self.bus = bus

    async def write_batch(self, conn: Any, items: list[ScanRow]) -> list[Outcome]:
        from lianfang.checkins.scans import repository as pgwrite  # it reads this module's row shapes

        provider = stored_provider(self.bus) if self.bus is not None else None
        statement, door = pgwrite.BATCH, None
        now = max(r.created_at for r in items)
        if provider is not None:
            statement = pgwrite.batch_sql(provider.stored_statuses_sql)
            door = lambda stored: provider.from_stored(stored, now)  # noqa: E731
        async with conn.cursor() as cursor:
            await cursor.execute(statement, pgwrite.batch_params(items))
            partial = pgwrite.Partial(items, await cursor.fetchall(), door)
            found: list[tuple[Any, ...]] = []
            missing = partial.missing()
            if missing:
                await cursor.execute(pgwrite.EXISTING, missing)
                found = await cursor.fetchall()
        outcomes = partial.complete(found)
        if provider is not None or self.bus is None:
            return outcomes
        ids, _ = status_wanted(items, outcomes)  # a provider with no stored statuses needs no session
        return with_statuses(outcomes, batch_statuses(self.bus, None, ids, now))
