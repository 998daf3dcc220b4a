"""Where a day of simulated scans goes.

A day's scans are collected, ordered by (venue, time) — the order tracing reads them in, and an order in
which three of the four indexes are built from presorted input — numbered, and written in one go.

On PostgreSQL `scans` is partitioned by day (`checkins.partitions`). A day without a partition is loaded
the way bulk loads are fastest: into a fresh table beside `scans` with no index (`scans_YYYYMMDD`, the
partition's own name) and a CHECK of its day (so attaching needs no validation scan), which is then
attached — PostgreSQL builds the partition's indexes once, in bulk, instead of updating four B-trees row
by row. A day that already has a partition is copied through the parent. `ensure_scan_partitions` runs
at the end so every day of the run has a partition even if nobody scanned. On SQLite rows go straight
into the plain table."""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
from sqlalchemy import text

from lianfang.checkins.models import Scan
from lianfang.checkins.partitions.repository import (
    LOCK_KEY,
    ensure_scan_partitions,
    existing_partitions,
    partition_name,
)
from lianfang.sim.bulk import BulkWriter, Col, required_columns, table_of


class ScanStore:
    def __init__(self, writer: BulkWriter) -> None:
        self.writer = writer
        self.table = table_of(Scan)
        self.next_id = 0  # read from the table when the first day is written
        self.seconds = {"copy": 0.0, "attach": 0.0}
        self.rows = 0
        self._have: dict[date, str] | None = None
        self._days: list[date] = []
        self._parts: list[list[Col]] = []

    def begin_day(self, day: date) -> None:
        self._days.append(day)
        self._parts = []

    def add(self, cols: list[Col]) -> None:
        missing = required_columns(self.table) - {c.name for c in cols}
        if missing:
            msg = f"the loader does not fill scans.{', '.join(sorted(missing))}: update lianfang.sim"
            raise RuntimeError(msg)
        self._parts.append(cols)

    def _day_rows(self) -> list[Col]:
        parts, self._parts = self._parts, []
        names = [c.name for c in parts[0]]
        merged = {name: np.concatenate([p[i].values for p in parts]) for i, name in enumerate(names)}
        order = np.lexsort((merged["scanned_at"], merged["venue_id"]))
        cols = [Col(c.name, c.kind, merged[c.name][order]) for c in parts[0]]
        n = int(order.shape[0])
        self.next_id = self.next_id or self.writer.next_id("scans")
        ids = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        self.next_id += n
        return [Col("id", "int8", ids) if c.name == "id" else c for c in cols]

    def _day_table(self, day: date) -> str | None:
        """A new, unindexed table for the day (PostgreSQL, when the day has no partition yet)."""
        if not self.writer.postgres:
            return None
        session = self.writer.session
        if self._have is None:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
            session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            self._have = existing_partitions(session)
        if day in self._have:
            return None
        name, after = partition_name(day), day + timedelta(days=1)
        session.execute(text(f"CREATE TABLE {name} (LIKE scans INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
        # Checked row by row during COPY, this proves the partition bound, so ATTACH skips its full scan.
        session.execute(
            text(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_day "
                f"CHECK (scan_date >= '{day.isoformat()}' AND scan_date < '{after.isoformat()}')"
            )
        )
        return name

    def end_day(self) -> None:
        if not self._parts or not len(self._parts[0][0]):
            self._parts = []
            return
        day = self._days[-1]
        cols = self._day_rows()
        start = time.perf_counter()
        detached = self._day_table(day)
        self.rows += self.writer.write(detached or self.table.name, cols, check=False, label="scans")
        self.seconds["copy"] += time.perf_counter() - start
        if detached is None:
            return
        start = time.perf_counter()
        bounds = f"FROM ('{day.isoformat()}') TO ('{(day + timedelta(days=1)).isoformat()}')"
        self.writer.session.execute(
            text(f"ALTER TABLE scans ATTACH PARTITION {detached} FOR VALUES {bounds}")
        )
        self.writer.session.execute(text(f"ALTER TABLE {detached} DROP CONSTRAINT {detached}_day"))
        assert self._have is not None
        self._have[day] = detached
        self.seconds["attach"] += time.perf_counter() - start

    def finish(self) -> None:
        """Partitions for every day of the run; move the id sequence past the loaded ids."""
        if self._days:
            ensure_scan_partitions(self.writer.session, min(self._days), max(self._days))
        self.writer.sync_sequence("scans")
