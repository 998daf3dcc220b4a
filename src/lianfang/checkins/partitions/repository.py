"""Day partitions of the scans table (PostgreSQL) and the retention that removes whole days.

On PostgreSQL `scans` is `PARTITION BY RANGE (scan_date)` with a DEFAULT partition that catches any day
without its own partition. `ensure_scan_partitions` creates `scans_YYYYMMDD` partitions for a range of
days; when the DEFAULT partition already holds rows of such a day (PostgreSQL refuses to create a
partition over rows in DEFAULT), the partition is built beside the table, the rows are moved into it,
and it is attached. Retention drops the partitions of days older than the retention period (and deletes
the old rows of DEFAULT). On SQLite the table is plain: creating is a no-op and retention is a DELETE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from lianfang.checkins.models import Scan

_NAME = re.compile(r"^scans_(\d{8})$")
LOCK_KEY = 774_201_113  # pg_advisory_xact_lock: one partition maintainer at a time


@dataclass(frozen=True)
class Expired:
    day: date
    rows: int
    method: str  # drop_partition | delete


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def partition_name(day: date) -> str:
    return f"scans_{day:%Y%m%d}"


def existing_partitions(session: Session) -> dict[date, str]:
    """The day partitions of `scans` (not DEFAULT), by day."""
    if not is_postgres(session):
        return {}
    names = session.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'scans'::regclass"
        )
    )
    found: dict[date, str] = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            raw = match.group(1)
            found[date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))] = name
    return found


def ensure_scan_partitions(session: Session, first_day: date, last_day: date) -> list[date]:
    """Make sure every day from `first_day` to `last_day` (inclusive) has its own partition; returns the
    days created. Rows of those days already in DEFAULT are moved in. No-op on SQLite."""
    if not is_postgres(session) or last_day < first_day:
        return []
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    have = existing_partitions(session)
    created: list[date] = []
    day = first_day
    while day <= last_day:
        if day not in have:
            _create(session, day)
            created.append(day)
        day += timedelta(days=1)
    return created


def _create(session: Session, day: date) -> None:
    name = partition_name(day)  # built from a date: safe to place in DDL
    bounds = f"FROM ('{day.isoformat()}') TO ('{(day + timedelta(days=1)).isoformat()}')"
    in_default = session.execute(
        text("SELECT 1 FROM scans_default WHERE scan_date = :d LIMIT 1"), {"d": day}
    ).first()
    if in_default is None:
        session.execute(text(f"CREATE TABLE {name} PARTITION OF scans FOR VALUES {bounds}"))
        return
    session.execute(text("LOCK TABLE scans_default IN EXCLUSIVE MODE"))
    session.execute(text(f"CREATE TABLE {name} (LIKE scans INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    session.execute(
        text(
            "WITH moved AS (DELETE FROM scans_default WHERE scan_date = :d RETURNING *) "  # noqa: S608
            f"INSERT INTO {name} SELECT * FROM moved"
        ),
        {"d": day},
    )
    session.execute(text(f"ALTER TABLE scans ATTACH PARTITION {name} FOR VALUES {bounds}"))


def drop_expired(session: Session, oldest_kept: date) -> list[Expired]:
    """Remove every scan of a day before `oldest_kept`: drop whole partitions on PostgreSQL (and delete
    the DEFAULT partition's old rows), delete rows on SQLite. Returns what went, per day."""
    if not is_postgres(session):
        return _delete_rows(session, oldest_kept)
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    gone: list[Expired] = []
    for day, name in sorted(existing_partitions(session).items()):
        if day >= oldest_kept:
            continue
        rows = session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
        session.execute(text(f"DROP TABLE {name}"))
        gone.append(Expired(day, int(rows), "drop_partition"))
    old_default = session.execute(
        text(
            "SELECT scan_date, count(*) FROM scans_default WHERE scan_date < :d GROUP BY scan_date "
            "ORDER BY scan_date"
        ),
        {"d": oldest_kept},
    ).all()
    if old_default:
        session.execute(text("DELETE FROM scans_default WHERE scan_date < :d"), {"d": oldest_kept})
        gone += [Expired(d, int(n), "delete") for d, n in old_default]
    return sorted(gone, key=lambda e: e.day)


def _delete_rows(session: Session, oldest_kept: date) -> list[Expired]:
    counts = session.execute(
        select(Scan.scan_date, func.count())
        .where(Scan.scan_date < oldest_kept)
        .group_by(Scan.scan_date)
        .order_by(Scan.scan_date)
    ).all()
    if counts:
        session.execute(delete(Scan).where(Scan.scan_date < oldest_kept))
    return [Expired(d, int(n), "delete") for d, n in counts]
