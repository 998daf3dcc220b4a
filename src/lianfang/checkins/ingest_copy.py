"""The PostgreSQL side of a batch upload (`ingest`): rows streamed into `scans` with a binary COPY, and
the look-up of which rows' idempotency keys are stored already."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg import Copy
from psycopg.errors import UniqueViolation
from sqlalchemy.orm import Session

from lianfang.checkins.ingest_parse import Outcome
from lianfang.checkins.writer import COLUMNS

Row = tuple[Any, ...]  # the table's columns in writer.COLUMNS order

# COPY in binary, one row at a time through psycopg's C dumpers: 5-6x cheaper per row than formatting
# the text format in Python (two ISO timestamps a row were most of the cost).
_COPY_TYPES = [
    "int8",  # id
    "date",  # scan_date
    "int4",  # venue_id
    "int4",  # person_id
    "int4",  # resident_id
    "timestamptz",  # scanned_at
    "timestamptz",  # stay_until
    "bool",  # checked_out
    "varchar",  # source
    "int4",  # code_id
    "varchar",  # idempotency_key
    "timestamptz",  # created_at
]


class CopySink:
    """Rows streamed into `COPY scans` (binary) inside a savepoint, each with an id drawn beforehand."""

    def __init__(self, session: Session, lines: int) -> None:
        driver = session.connection().connection.driver_connection
        assert driver is not None
        self.cursor = driver.cursor()
        self.cursor.execute(  # one array, not a row per id
            "SELECT array_agg(nextval(pg_get_serial_sequence('scans', 'id'))) FROM generate_series(1, %s)",
            [max(lines, 1)],
        )
        fetched = self.cursor.fetchone()
        assert fetched is not None
        self.ids: Iterator[int] = iter(fetched[0])
        self.conflict = False
        self.copy: Copy | None = None

    @contextmanager
    def streaming(self) -> Iterator[None]:
        self.cursor.execute("SAVEPOINT scans_copy")
        try:
            with self.cursor.copy(
                f"COPY scans (id, {', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(_COPY_TYPES)
                self.copy = copy
                yield
        except UniqueViolation:
            self.cursor.execute("ROLLBACK TO SAVEPOINT scans_copy")
            self.conflict = True
        except BaseException:
            self.cursor.execute("ROLLBACK TO SAVEPOINT scans_copy")
            raise
        else:
            self.cursor.execute("RELEASE SAVEPOINT scans_copy")
        finally:
            self.cursor.close()

    def add(self, outcome: Outcome, row: Row) -> None:
        assert self.copy is not None
        outcome.scan_id = scan_id = next(self.ids)
        outcome.result = "created"
        self.copy.write_row((scan_id, *row))


# The stored scans of a chunk's keys: one probe of the unique index per key (LATERAL … LIMIT 1, so the
# plan cannot turn into a scan of a day's partition, whatever the statistics say).
_STORED = (
    "SELECT k.n, s.id FROM unnest(%s::int[], %s::date[], %s::text[]) WITH ORDINALITY AS k(v, d, key, n) "
    "CROSS JOIN LATERAL (SELECT id FROM scans WHERE venue_id = k.v AND scan_date = k.d "
    "AND idempotency_key = k.key AND idempotency_key IS NOT NULL LIMIT 1) s"
)


def stored_keys(session: Session, chunk: list[tuple[Outcome, Row]]) -> dict[int, int]:
    """The original scan id by position in `chunk`, for the rows whose key is stored already."""
    if not chunk:
        return {}
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(
            _STORED,
            [[r[1] for _, r in chunk], [r[0] for _, r in chunk], [r[9] for _, r in chunk]],
        )
        return {n - 1: scan_id for n, scan_id in cursor.fetchall()}
