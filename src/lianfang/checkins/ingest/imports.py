"""Reading an uploaded batch of scans (JSON array, NDJSON, CSV) into lines of six text fields, and
writing the per-line report. No database here.

The PostgreSQL side of a batch upload (`ingest`): rows streamed into `scans` with a binary COPY, and
the look-up of which rows' idempotency keys are stored already."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg import Copy
from psycopg.errors import UniqueViolation
from sqlalchemy.orm import Session

from lianfang.checkins.scans.writer import COLUMNS
from lianfang.core.errors import DomainError, Problem

FIELDS = ("code", "idempotency_key", "scanned_at", "left_at", "person_pseudonym", "id_number")


@dataclass(slots=True)
class Outcome:
    row: int
    result: str = "rejected"  # created | duplicate | rejected
    scan_id: int | None = None
    problems: list[Problem] = field(default_factory=list)


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[str] | None]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = [h.strip() for h in next(reader, [])]
    if header == list(FIELDS):  # the documented layout: no re-ordering
        for number, record in enumerate(reader, start=2):
            if len(record) == len(FIELDS):
                yield number, list(map(str.strip, record))
            elif record:
                yield number, (record + [""] * len(FIELDS))[: len(FIELDS)]
        return
    where = [header.index(f) if f in header else None for f in FIELDS]
    for number, record in enumerate(reader, start=2):
        if record:
            yield number, [record[i].strip() if i is not None and i < len(record) else "" for i in where]


def _values(item: Any) -> list[str] | None:
    if not isinstance(item, dict):
        return None
    return ["" if item.get(f) is None else str(item.get(f)).strip() for f in FIELDS]


def parse(content: bytes, kind: str) -> Iterator[tuple[int, list[str] | None]]:
    """(row, the six fields as text) per line; None for a line that is not a record. Rows are 1-based
    file lines (CSV: the header is line 1), or 1-based positions in a JSON array."""
    if kind == "csv":
        yield from _csv_lines(content)
        return
    text = content.decode("utf-8-sig", errors="replace")
    if kind == "ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield number, _values(json.loads(line))
                except ValueError:
                    yield number, None
    else:
        try:
            data = json.loads(text)
        except ValueError:
            raise DomainError("JSON格式有误", "the body is not valid JSON", 422) from None
        if not isinstance(data, list):
            raise DomainError("应为JSON数组", "expected a JSON array of scans", 422)
        for number, item in enumerate(data, start=1):
            yield number, _values(item)


def read_time(raw: str, name: str, row: int, problems: list[Problem]) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(name, "时间格式有误（ISO 8601）", f"{name} is not an ISO 8601 time", row))
        return None
    if value.tzinfo is None:
        problems.append(Problem(name, "时间须带时区", f"{name} needs a time zone (e.g. +08:00)", row))
        return None
    return value


def report_json(outcomes: list[Outcome]) -> bytes:
    """The per-line report, built as text (a created or duplicate line without problems is the same
    small object every time), encoded a group of lines at a time and joined once."""
    counts = [sum(1 for o in outcomes if o.result == k) for k in ("created", "duplicate", "rejected")]
    head = f'{{"created":{counts[0]},"duplicates":{counts[1]},"rejected":{counts[2]},"items":['
    parts = [head.encode()]
    for start in range(0, len(outcomes), _GROUP):
        if start:
            parts.append(b",")
        parts.append(",".join(map(_item, outcomes[start : start + _GROUP])).encode())
    parts.append(b"]}")
    return b"".join(parts)


_GROUP = 2000


def _item(o: Outcome) -> str:
    if o.result != "rejected" and o.scan_id is not None and not o.problems:
        return f'{{"row":{o.row},"result":"{o.result}","scan_id":{o.scan_id},"problems":[]}}'
    item = {
        "row": o.row,
        "result": o.result,
        "scan_id": o.scan_id,
        "problems": [p.as_dict() for p in o.problems],
    }
    return json.dumps(item, ensure_ascii=False)


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
