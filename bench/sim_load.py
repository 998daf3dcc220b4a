"""Loading a simulated city: the demo on SQLite, and 1,000,000 people × 14 days into PostgreSQL.

Run: `.venv/bin/python -m bench.sim_load [--persons N] [--days D] [--skip-demo] [--skip-postgres]`
(PostgreSQL database lianfang_bench_sim is dropped and recreated; URL from LIANFANG_BENCH_DATABASE_URL).

(a) Demo: what `lianfang demo --no-serve` does — migrate a new SQLite file, create the administrator, then
    `seed.seed_demo` (20,000 people, 14 days, traveller-cluster, staff accounts, work items) — timed end to
    end against the 60 s target.
(b) PostgreSQL: `sim.loader.load` of N persons × D days in one transaction, rows per second per table and
    overall. Baseline in the same run: a plain binary `COPY` of one day of the same scan rows (generated
    again from the same seed, encoded before the clock starts) into an unindexed table shaped like
    `scans`, repeated three times (median); and the same COPY into a new, empty table with every
    constraint and index of `scans` (`LIKE scans INCLUDING ALL`), rolled back after each of three samples:
    the rows must end up indexed, so this is the plain COPY the target compares with. The loader's scan
    rate counts everything it spends on scans — its COPY into a day table plus attaching it as a
    partition (which builds the four indexes); the overall rate counts all rows of all tables over the
    whole load wall time, generation and sealing included. Peak RSS is this process's (the client:
    engine, arrays, encoding).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.common import Report, fresh_postgres, peak_rss_mb
from lianfang.config import Settings
from lianfang.core.crypto import new_fernet_key, new_secret
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.migrate import upgrade
from lianfang.sim import VisitChunk, run
from lianfang.sim.activity_rows import Calendar, scan_cols
from lianfang.sim.bulk import HEADER, TRAILER, encode_binary
from lianfang.sim.loader import LoadOptions, LoadResult, load
from lianfang.sim.registry_rows import IdMap
from lianfang.sim.scenarios import get_scenario


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key=new_secret(),
        data_key=new_fernet_key(),
        lookup_key=new_secret(),
        embedded_worker=False,
        _env_file=None,
    )  # type: ignore[call-arg]


def bench_demo(report: Report) -> None:
    from lianfang.seed import DEMO_PASSWORD, ensure_admin, seed_demo

    with tempfile.TemporaryDirectory(prefix="lianfang-demo-") as tmp:
        settings = _settings(f"sqlite:///{Path(tmp) / 'demo.db'}")
        start = time.perf_counter()
        engine = make_engine(settings)
        upgrade(engine)
        engine.dispose()
        ensure_admin(settings, DEMO_PASSWORD)
        summary = seed_demo(settings, progress=lambda _line: None)
        elapsed = time.perf_counter() - start
    print(summary)
    report.add("demo set-up on SQLite (lianfang demo --no-serve)", elapsed, "s", 60.0)
    report.note("  target", "< 60 s (ratio column: share of the target used)")


def _baseline_day(persons: int, seed: int, scenario: str, first_id: int) -> bytes:
    """Day 0's scan rows of the same run, encoded for COPY, with ids from `first_id`."""
    sc = get_scenario(scenario)
    cal = Calendar(sc.start_date, "Asia/Shanghai")
    parts: list[bytes] = []
    first, ids = first_id, None
    for item in run(persons, 1, seed, sc):
        if ids is None and hasattr(item, "city"):
            city = item.city  # type: ignore[union-attr]
            zeros = np.zeros(len(city.communities), dtype=np.int64)
            ids = IdMap(zeros + 1, np.full(len(city.communities), "/1/"), 1, 1, 1, 1)
        elif isinstance(item, VisitChunk) and ids is not None:
            cols = scan_cols(item.visits, ids, cal, first)
            first += len(cols[0])
            parts.append(encode_binary(cols))
    return b"".join(parts)


def _copy_baseline(session: Session, payload: bytes) -> float:
    session.execute(text("DROP TABLE IF EXISTS scans_baseline"))
    session.execute(text("CREATE TABLE scans_baseline (LIKE scans INCLUDING DEFAULTS)"))
    session.commit()
    raw = session.connection().connection.dbapi_connection
    columns = "id, scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, created_at"
    start = time.perf_counter()
    with (
        raw.cursor() as cursor,
        cursor.copy(  # type: ignore[union-attr]
            f"COPY scans_baseline ({columns}) FROM STDIN (FORMAT BINARY)"
        ) as copy,
    ):
        copy.write(HEADER)
        for lo in range(0, len(payload), 8 << 20):
            copy.write(payload[lo : lo + (8 << 20)])
        copy.write(TRAILER)
    session.commit()
    elapsed = time.perf_counter() - start
    session.execute(text("DROP TABLE scans_baseline"))
    session.commit()
    return elapsed


def _copy_indexed(session: Session, payload: bytes) -> float:
    """A plain COPY of the rows into a new, empty table with the columns, constraints and indexes of
    `scans` (what the rows need in the end), rolled back after each sample."""
    session.execute(text("CREATE TABLE scans_probe (LIKE scans INCLUDING ALL)"))
    indexes = session.execute(text("SELECT count(*) FROM pg_indexes WHERE tablename = 'scans_probe'"))
    assert indexes.scalar() == 4, "the probe table must carry the four indexes of scans"
    raw = session.connection().connection.dbapi_connection
    columns = "id, scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, created_at"
    start = time.perf_counter()
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY scans_probe ({columns}) FROM STDIN (FORMAT BINARY)") as copy,  # type: ignore[union-attr]
    ):
        copy.write(HEADER)
        for lo in range(0, len(payload), 8 << 20):
            copy.write(payload[lo : lo + (8 << 20)])
        copy.write(TRAILER)
    elapsed = time.perf_counter() - start
    session.rollback()
    return elapsed


def bench_postgres(report: Report, persons: int, days: int) -> None:
    seed, scenario = 1, "traveller-cluster"
    settings = _settings(fresh_postgres("lianfang_bench_sim"))
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    last = [0.0]

    def progress(what: str, share: float) -> None:
        now = time.perf_counter()
        if now - last[0] > 15 or share >= 1.0:
            print(
                f"  {time.strftime('%H:%M:%S')} {share:6.1%} {what}  (RSS {peak_rss_mb():,.0f} MB)",
                flush=True,
            )
            last[0] = now

    start = time.perf_counter()
    with transaction(factory) as session:
        result: LoadResult = load(session, settings, LoadOptions(persons, days, seed, scenario), progress)
        commit_start = time.perf_counter()
    wall = time.perf_counter() - start
    commit = time.perf_counter() - commit_start
    rss = peak_rss_mb()

    payload = _baseline_day(persons, seed, scenario, 1)
    rows_per_day = result.rows["scans"] / days
    with Session(engine) as session:
        samples = [_copy_baseline(session, payload) for _ in range(3)]
        indexed = [_copy_indexed(session, payload) for _ in range(3)]
    baseline_rate = rows_per_day / statistics.median(samples)
    indexed_rate = rows_per_day / statistics.median(indexed)

    report.note("run", f"{persons:,} persons × {days} days, scenario {scenario}, seed {seed}")
    for table, rows in sorted(result.rows.items()):
        secs = result.write_seconds.get(table, 0.0)
        report.add(
            f"{table}: {rows:,} rows, database writes", rows / max(secs, 1e-9), "rows/s", baseline_rate
        )
    for phase, secs in sorted(result.seconds.items()):
        report.add(f"phase {phase} (wall, incl. row building)", secs, "s")
    scan_secs = result.scan_seconds["copy"] + result.scan_seconds["attach"]
    report.add("baseline: plain COPY of one day's scans, unindexed", baseline_rate, "rows/s")
    report.add("baseline: plain COPY of one day's scans, with the scans indexes", indexed_rate, "rows/s")
    report.add(
        "scans loaded (COPY + attach with index builds) vs unindexed COPY",
        result.rows["scans"] / scan_secs,
        "rows/s",
        baseline_rate,
    )
    report.add(
        "scans loaded (COPY + attach with index builds) vs indexed COPY",
        result.rows["scans"] / scan_secs,
        "rows/s",
        indexed_rate,
    )
    report.note(
        "  of which attach (index builds)", f"{result.scan_seconds['attach']:.1f} s of {scan_secs:.1f} s"
    )
    total = sum(result.rows.values())
    report.add(
        f"all {total:,} rows over the whole load (wall) vs unindexed", total / wall, "rows/s", baseline_rate
    )
    report.add(
        f"all {total:,} rows over the whole load (wall) vs indexed", total / wall, "rows/s", indexed_rate
    )
    report.add("load wall time (generation, sealing, writes, commit)", wall, "s")
    report.add("commit", commit, "s")
    report.add("peak RSS of the loader process", rss, "MB", 4096.0)
    report.note("  target", "ratio ≥ 0.5 for rows loaded; RSS < 4096 MB (ratio < 1)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    report = Report("Loading a simulated city (bench.sim_load)")
    if not args.skip_demo:
        bench_demo(report)
    if not args.skip_postgres:
        bench_postgres(report, args.persons, args.days)
    report.print()


if __name__ == "__main__":
    main()
