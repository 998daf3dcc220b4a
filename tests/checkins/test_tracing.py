"""The repository functions tracing relies on: who was at a venue in a window, where a person was, with
overlap semantics (`scanned_at < end AND stay_until > start`) bounded by the longest stay."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from lianfang.checkins.partitions.repository import ensure_scan_partitions, is_postgres
from lianfang.checkins.rules import MAX_STAY, scan_date
from lianfang.checkins.scans.repository import scans_at_venue, scans_of_person
from lianfang.checkins.scans.writer import ScanRow, write_rows
from lianfang.core.clock import SHANGHAI

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def _scan(venue, person, start_min, stay_min, key):
    at = T0 + timedelta(minutes=start_min)
    return ScanRow(
        scan_date(at), venue, person, None, at, at + timedelta(minutes=stay_min), False, "sim", None, key, at
    )


def _load(session):
    ensure_scan_partitions(session, scan_date(T0 - timedelta(days=2)), scan_date(T0 + timedelta(days=2)))
    write_rows(
        session,
        [
            _scan(1, 10, 0, 30, "a"),  # 10:00-10:30
            _scan(1, 11, 45, 15, "b"),  # 10:45-11:00
            _scan(1, 12, -23 * 60, 23 * 60 + 5, "c"),  # yesterday 11:00 until 10:05 today
            _scan(1, 13, -30 * 60, 60, "d"),  # long before
            _scan(2, 10, 60, 30, "e"),  # another venue, 11:00-11:30
            _scan(1, 14, 24 * 60, 10, "f"),  # tomorrow
        ],
    )


def test_who_was_at_a_venue(session):
    _load(session)
    window = scans_at_venue(session, 1, T0 + timedelta(minutes=20), T0 + timedelta(minutes=50))
    assert [s.idempotency_key for s in window] == ["a", "b"]
    early = scans_at_venue(session, 1, T0, T0 + timedelta(minutes=1))
    assert [s.idempotency_key for s in early] == ["c", "a"]  # the overnight stay reaches in
    touching = scans_at_venue(session, 1, T0 + timedelta(minutes=30), T0 + timedelta(minutes=45))
    assert touching == []  # half-open: leaving at 10:30 and arriving at 10:45 do not overlap 10:30-10:45
    assert [s.idempotency_key for s in scans_at_venue(session, 2, T0, T0 + timedelta(hours=3))] == ["e"]


def test_where_a_person_was(session):
    _load(session)
    day = scans_of_person(session, 10, T0 - timedelta(hours=1), T0 + timedelta(hours=5))
    assert [(s.venue_id, s.idempotency_key) for s in day] == [(1, "a"), (2, "e")]
    assert scans_of_person(session, 13, T0, T0 + timedelta(hours=1)) == []


def test_the_venue_query_walks_the_venue_index_within_the_stay_bound(session):
    if not is_postgres(session):
        return
    _load(session)
    session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny test tables: ask whether the index serves
    plan = "\n".join(
        r[0]
        for r in session.execute(
            text(
                "EXPLAIN SELECT * FROM scans WHERE venue_id = 1 AND scanned_at > :a AND scanned_at < :b "
                "AND stay_until > :c AND scan_date >= :d0 AND scan_date <= :d1"
            ),
            {
                "a": T0 - MAX_STAY,
                "b": T0 + timedelta(hours=1),
                "c": T0,
                "d0": scan_date(T0 - MAX_STAY),
                "d1": scan_date(T0),
            },
        )
    )
    assert "venue_id_scanned_at" in plan and "scans_20261123" not in plan  # other days are pruned
