"""Partitions and retention: day partitions are made ahead, rows that landed in DEFAULT move into
their day's partition, and days older than the retention period are deleted (whole partitions on
PostgreSQL, rows on SQLite) with a log line and an audit row per day."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text

from lianfang.checkins.partitions.repository import (
    drop_expired,
    ensure_scan_partitions,
    existing_partitions,
    is_postgres,
)
from lianfang.checkins.rules import PARTITIONS_AHEAD, oldest_day
from lianfang.checkins.scans.writer import ScanRow, write_rows
from lianfang.checkins.tasks import PARTITION_SECONDS, maintain_partitions
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.jobs import tick


def _row(day, venue_id=1, key="k"):
    at = datetime.combine(day, time(12), tzinfo=SHANGHAI)
    return ScanRow(day, venue_id, 1, None, at, at + timedelta(hours=1), False, "sim", None, key, at)


def _count(session, day):
    return session.scalar(
        select(func.count()).select_from(text("scans")).where(text("scan_date = :d")).params(d=day)
    )


def test_retention_deletes_old_days_and_keeps_the_rest(ctx, runtime, session, caplog):
    today = local_date(ctx.now)
    keep_from = oldest_day(today, 28)
    old_days = [keep_from - timedelta(days=1), keep_from - timedelta(days=5)]
    ensure_scan_partitions(session, old_days[1], today)  # as the city loader does before loading past days
    rows = [_row(d, key=f"k{i}-{n}") for i, d in enumerate([*old_days, keep_from, today]) for n in range(3)]
    write_rows(session, rows)
    session.commit()
    assert runtime.periodic["checkins.partitions"][0] == PARTITION_SECONDS
    with caplog.at_level(logging.INFO, logger="lianfang.checkins"):
        tick(runtime, {}, 1000.0, now=ctx.now)
    session.expire_all()
    assert [_count(session, d) for d in old_days] == [0, 0]
    assert _count(session, keep_from) == 3 and _count(session, today) == 3
    audits = list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.verb == "scans.retention").order_by(AuditEntry.subject_id)
        )
    )
    with_rows = [(a.subject_id, a.detail["rows"]) for a in audits if a.detail["rows"]]
    assert with_rows == [(d.isoformat(), 3) for d in sorted(old_days)]
    assert all(a.subject_id < keep_from.isoformat() for a in audits)  # empty old partitions go too
    method = "drop_partition" if is_postgres(session) else "delete"
    assert {a.detail["method"] for a in audits} == {method}
    assert sum("deleted (3 rows" in r.getMessage() for r in caplog.records) == 2
    if is_postgres(session):
        kept = existing_partitions(session)
        assert not set(old_days) & set(kept)
        assert today + timedelta(days=PARTITIONS_AHEAD) in kept
    assert maintain_partitions(runtime.ctx(session, ctx.now)) == 0  # nothing more to do


def test_settings_retention_is_read_when_present(ctx, session):
    today = local_date(ctx.now)
    write_rows(session, [_row(today - timedelta(days=3), key="r1"), _row(today, key="r2")])
    short = ctx.settings.model_copy()
    object.__setattr__(short, "scan_retention_days", 2)  # the setting the lead adds; 28 by default
    assert maintain_partitions(replace(ctx, settings=short)) >= 1
    assert _count(session, today - timedelta(days=3)) == 0 and _count(session, today) == 1


@pytest.fixture
def postgres_only(session):
    if not is_postgres(session):
        pytest.skip("day partitions exist on PostgreSQL only")


def test_rows_in_default_move_into_their_new_partition(postgres_only, ctx, session):
    far = local_date(ctx.now) + timedelta(days=20)  # no partition yet: rows land in DEFAULT
    write_rows(session, [_row(far, key=f"d{i}") for i in range(4)])
    in_default = session.execute(text("SELECT count(*) FROM scans_default WHERE scan_date = :d"), {"d": far})
    assert in_default.scalar_one() == 4
    assert ensure_scan_partitions(session, far, far) == [far]
    assert session.execute(text("SELECT count(*) FROM scans_default")).scalar_one() == 0
    moved = session.execute(text(f"SELECT count(*) FROM scans_{far:%Y%m%d}")).scalar_one()
    assert moved == 4 and _count(session, far) == 4
    assert ensure_scan_partitions(session, far, far) == []  # idempotent
    write_rows(session, [_row(far, key="d0")])  # the idempotency key still holds in the new partition
    assert _count(session, far) == 4
    plan = "\n".join(
        r[0]
        for r in session.execute(
            text("EXPLAIN SELECT * FROM scans WHERE venue_id = 1 AND scan_date = :d AND scanned_at > now()"),
            {"d": far},
        )
    )
    assert f"scans_{far:%Y%m%d}" in plan and "scans_default" not in plan


def test_old_rows_in_default_are_deleted_too(postgres_only, ctx, session):
    ancient = local_date(ctx.now) - timedelta(days=400)
    write_rows(session, [_row(ancient, key="a1"), _row(ancient, key="a2")])
    gone = drop_expired(session, oldest_day(local_date(ctx.now), 28))
    assert [(e.day, e.rows, e.method) for e in gone if e.day == ancient] == [(ancient, 2, "delete")]
