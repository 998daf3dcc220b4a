"""Bulk writing of column arrays into a table, on the session's own connection (so the caller's
transaction, and a test's rolled-back connection, hold every row).

- PostgreSQL: `COPY … FROM STDIN (FORMAT BINARY)`. The binary rows are assembled with numpy for all rows
  at once (field lengths and values scattered into one buffer), so the client spends well under a
  microsecond a row and the server does the rest; the same encoder serves the plain-COPY baseline of the
  benchmark.
- SQLite: `executemany` of prepared tuples in large batches; dates and times are written exactly as
  SQLAlchemy stores them (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS.ffffff` in UTC), so the ORM reads them back.

A column is (name, kind, values[, null mask]); ids are given explicitly (`next_id`) and sequences are moved
past them afterwards (`sync_sequence`)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, text
from sqlalchemy.orm import Session

from lianfang.sim._arrays import B

if TYPE_CHECKING:
    import psycopg

Kind = Literal["int2", "int4", "int8", "bool", "date", "ts", "text"]
_FIXED: dict[str, tuple[str, int]] = {
    "int2": (">i2", 2),
    "int4": (">i4", 4),
    "int8": (">i8", 8),
    "bool": ("u1", 1),
    "date": (">i4", 4),
    "ts": (">i8", 8),
}
_PG_EPOCH_DAY = np.datetime64("2000-01-01", "D")
_PG_EPOCH_US = np.datetime64("2000-01-01T00:00:00", "us")
HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
SQLITE_BATCH = 50_000
COPY_BATCH = 100_000  # rows encoded per write: the server parses one batch while the next is built
U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Col:
    """`values`: integers, booleans, datetime64[D] (date), datetime64[us] in UTC (ts) or strings (text);
    `null`: True where the value is SQL NULL (the value there is ignored)."""

    name: str
    kind: Kind
    values: npt.NDArray[Any]
    null: B | None = None

    def __len__(self) -> int:
        return int(self.values.shape[0])


def _fixed_bytes(col: Col) -> U8:
    dtype, width = _FIXED[col.kind]
    values = col.values
    if col.kind == "date":
        values = (values.astype("datetime64[D]") - _PG_EPOCH_DAY).astype(np.int64)
    elif col.kind == "ts":
        values = (values.astype("datetime64[us]") - _PG_EPOCH_US).astype(np.int64)
    raw = np.ascontiguousarray(values.astype(dtype))
    return raw.view(np.uint8).reshape(-1, width)


def _utf8(values: npt.NDArray[Any]) -> tuple[U8, npt.NDArray[np.int64]]:
    """UTF-8 of each string as rows of a zero-padded byte matrix, and each value's length. ASCII-only
    columns (codes, hashes, tokens, paths) are converted as numbers, without a per-value codec call."""
    text_values = np.ascontiguousarray(np.asarray(values, dtype=np.str_))
    n = text_values.shape[0]
    width = text_values.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.zeros((n, 0), dtype=np.uint8), np.zeros(n, dtype=np.int64)
    points = text_values.view(np.uint32).reshape(n, width)
    if int(points.max()) < 128:
        return points.astype(np.uint8), np.count_nonzero(points, axis=1).astype(np.int64)
    encoded = np.char.encode(text_values, "utf-8")
    size = encoded.dtype.itemsize
    matrix = np.ascontiguousarray(encoded).view(np.uint8).reshape(n, size)
    return matrix, np.char.str_len(encoded).astype(np.int64)


def _text_bytes(col: Col) -> tuple[U8, npt.NDArray[np.int64]]:
    """UTF-8 bytes of all values back to back, and each value's length."""
    matrix, lengths = _utf8(col.values)
    return matrix[np.arange(matrix.shape[1])[None, :] < lengths[:, None]], lengths


def _scatter_be(buf: U8, pos: npt.NDArray[np.int64], value: npt.NDArray[np.int64], width: int) -> None:
    for k in range(width):
        buf[pos + k] = (value >> (8 * (width - 1 - k))) & 0xFF


def _fixed_layout(cols: Sequence[Col]) -> list[tuple[Col, str, int]] | None:
    """(column, numpy dtype, width) when every row has the same layout: no NULLs, and text columns whose
    values all have one UTF-8 length (e.g. scans.source); else None."""
    layout: list[tuple[Col, str, int]] = []
    for col in cols:
        if col.null is not None and bool(col.null.any()):
            return None
        if col.kind == "text":
            matrix, lengths = _utf8(col.values)
            if lengths.shape[0] and (lengths.min() != lengths.max() or lengths.min() == 0):
                return None
            width = int(lengths.max()) if lengths.shape[0] else 1
            fixed = np.ascontiguousarray(matrix[:, :width]).view(f"S{width}").ravel()
            layout.append((Col(col.name, col.kind, fixed), f"S{width}", width))
        else:
            dtype, width = _FIXED[col.kind]
            layout.append((col, dtype, width))
    return layout


def _encode_fixed(layout: list[tuple[Col, str, int]], n: int) -> bytes:
    """All rows at once as one packed record array: count, then (length, value) per field."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i, (_col, dtype, _width) in enumerate(layout):
        fields += [(f"l{i}", ">i4"), (f"v{i}", dtype)]
    rows = np.empty(n, dtype=np.dtype(fields))
    rows["count"] = len(layout)
    for i, (col, _dtype, width) in enumerate(layout):
        rows[f"l{i}"] = width
        values = col.values
        if col.kind == "date":
            values = (values.astype("datetime64[D]") - _PG_EPOCH_DAY).astype(np.int64)
        elif col.kind == "ts":
            values = (values.astype("datetime64[us]") - _PG_EPOCH_US).astype(np.int64)
        rows[f"v{i}"] = values
    return rows.tobytes()


def encode_binary(cols: Sequence[Col]) -> bytes:
    """The rows of a binary COPY (no header or trailer) for columns of equal length."""
    n = len(cols[0])
    layout = _fixed_layout(cols)
    if layout is not None:
        return _encode_fixed(layout, n)
    parts: list[tuple[Col, U8, npt.NDArray[np.int64], B]] = []
    row_size = np.full(n, 2, dtype=np.int64)
    for col in cols:
        null = col.null if col.null is not None else np.zeros(n, dtype=bool)
        if col.kind == "text":
            data, lengths = _text_bytes(col)
            if col.null is not None:  # drop the bytes of null values
                keep = np.repeat(~null, lengths)
                data, lengths = data[keep], np.where(null, 0, lengths)
        else:
            data = _fixed_bytes(col)
            lengths = np.where(null, 0, data.shape[1]).astype(np.int64)
        parts.append((col, data, lengths, null))
        row_size += 4 + lengths
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(row_size[:-1], out=start[1:])
    buf = np.zeros(int(row_size.sum()), dtype=np.uint8)
    _scatter_be(buf, start, np.full(n, len(cols), dtype=np.int64), 2)
    pos = start + 2
    for col, data, lengths, null in parts:
        _scatter_be(buf, pos, np.where(null, -1, lengths) & 0xFFFFFFFF, 4)
        pos = pos + 4
        if col.kind == "text":
            first = np.zeros(n, dtype=np.int64)
            np.cumsum(lengths[:-1], out=first[1:])
            buf[np.repeat(pos - first, lengths) + np.arange(int(lengths.sum()))] = data
        else:
            valid = np.flatnonzero(~null)
            for k in range(data.shape[1]):
                buf[pos[valid] + k] = data[valid, k]
        pos = pos + lengths
    return buf.tobytes()


def _sqlite_values(col: Col) -> list[Any]:
    values = col.values
    if col.kind == "date":
        out: list[Any] = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").tolist()
    elif col.kind == "ts":
        iso = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
        points = np.ascontiguousarray(iso).view(np.uint32).reshape(iso.shape[0], -1).copy()
        points[:, 10] = ord(" ")  # SQLAlchemy's SQLite format: a space, not "T"
        out = points.view(f"U{points.shape[1]}").ravel().tolist()
    elif col.kind == "bool":
        out = values.astype(np.int8).tolist()
    else:
        out = values.tolist()
    if col.null is not None:
        for i in np.flatnonzero(col.null).tolist():
            out[i] = None
    return out


def _batches(cols: Sequence[Col], size: int) -> Iterator[list[Col]]:
    n = len(cols[0])
    for lo in range(0, n, size):
        yield [
            Col(c.name, c.kind, c.values[lo : lo + size], None if c.null is None else c.null[lo : lo + size])
            for c in cols
        ]


def table_of(model: type[Any]) -> Table:
    """The Table of a mapped class (typed as the FromClause it is declared as)."""
    return cast(Table, model.__table__)


def required_columns(table: Table) -> set[str]:
    """Columns a bulk insert must fill: NOT NULL without a server default (primary keys included, since
    the loader gives ids explicitly)."""
    return {c.name for c in table.columns if not c.nullable and c.server_default is None}


class BulkWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"

    def next_id(self, table: str) -> int:
        # Table names here come from the models, never from input (so do the column lists below).
        query = text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(self.session.execute(query).scalar_one())

    def sync_sequence(self, table: str) -> None:
        """Move a PostgreSQL id sequence past explicitly given ids (SQLite needs nothing)."""
        if self.postgres:
            sql = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
            self.session.execute(text(sql))

    def write(self, table: Table | str, cols: Sequence[Col], check: bool = True, label: str = "") -> int:
        """Insert the rows; `label` names the figures (rows, seconds) when writing to a partition."""
        name = table if isinstance(table, str) else table.name
        if check and isinstance(table, Table):
            missing = required_columns(table) - {c.name for c in cols}
            if missing:
                msg = f"the loader does not fill {name}.{', '.join(sorted(missing))}: update lianfang.sim"
                raise RuntimeError(msg)
        if not cols or len(cols[0]) == 0:
            return 0
        started = time.perf_counter()
        columns = ", ".join(c.name for c in cols)
        if self.postgres:
            self._copy(name, columns, cols)
        else:
            placeholders = ", ".join("?" for _ in cols)
            sql = f"INSERT INTO {name} ({columns}) VALUES ({placeholders})"  # noqa: S608
            conn = self.session.connection()
            for batch in _batches(cols, SQLITE_BATCH):
                conn.exec_driver_sql(sql, list(zip(*(_sqlite_values(c) for c in batch), strict=True)))
        n = len(cols[0])
        key = label or name
        self.rows[key] = self.rows.get(key, 0) + n
        self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started
        return n

    def _copy(self, name: str, columns: str, cols: Sequence[Col]) -> None:
        raw = cast("psycopg.Connection[Any]", self.session.connection().connection.dbapi_connection)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.write(HEADER)
            for batch in _batches(cols, COPY_BATCH):
                copy.write(encode_binary(batch))
            copy.write(TRAILER)


def _postgres_deferrable(session: Session, table: str) -> list[tuple[str, str]]:
    """(drop, create) statements for a table's foreign keys, unique constraints no foreign key depends
    on, and plain indexes — everything but the primary key."""
    out: list[tuple[str, str]] = []
    constraints = session.execute(
        text(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = CAST(:t AS regclass) AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))"
        ),
        {"t": table},
    ).all()
    for name, definition in constraints:
        out.append(
            (
                f'ALTER TABLE {table} DROP CONSTRAINT "{name}"',
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}',
            )
        )
    indexes = session.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = CAST(:t AS regclass) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        ),
        {"t": table},
    ).all()
    out += [(f"DROP INDEX {name}", definition) for name, definition in indexes]
    return out


def _sqlite_deferrable(session: Session, table: str) -> list[tuple[str, str]]:
    rows = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
        ),
        {"t": table},
    ).all()
    return [(f'DROP INDEX "{name}"', sql) for name, sql in rows]


@contextmanager
def deferred_indexes(writer: BulkWriter, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes and the constraints that can be re-checked in one pass (foreign keys,
    unique constraints) of `tables`, and build them again afterwards: one sort per index instead of
    a B-tree update (and a foreign-key probe) per row. For tables that start empty; inside the caller's
    transaction, so a failure restores them. Other sessions wait for the tables until commit."""
    session = writer.session
    find = _postgres_deferrable if writer.postgres else _sqlite_deferrable
    pending = [pair for table in tables for pair in find(session, table)]
    for drop, _create in pending:
        session.execute(text(drop))
    yield
    started = time.perf_counter()
    for _drop, create in pending:
        session.execute(text(create))
    writer.seconds["(indexes rebuilt)"] = time.perf_counter() - started
