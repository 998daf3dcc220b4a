"""Remote control (远端管控) at city scale: declaring counties risk areas re-flags everyone with matching
travel in one set-based statement, on PostgreSQL with 5,000,000 travel records.

Run: `.venv/bin/python -m bench.travel_reflag` (PostgreSQL; URL from LIANFANG_BENCH_DATABASE_URL, default
database lianfang_bench_travel, which is dropped and recreated). About 3-6 minutes on 2 cores.
Sizes: TRAVEL_BENCH_RECORDS (default 5,000,000), TRAVEL_BENCH_PERSONS (default 1,000,000).

What it does:
1. builds the schema with the migrations; loads 200 communities, ~2,900 synthetic county codes (valid
   GB/T 2260 structure, bench data only), the persons and the travel records with INSERT … SELECT over
   generate_series (stays of 0-9 days ending 0-59 days ago, a county at random, one source each);
2. baseline: a plain indexed `SELECT count(*)` of the travel records that match the listed counties in the
   14-day window (the same rows the re-flag reads), in the same run;
3. lists a share of the counties and times `travel.repository.upsert_flags` (the statement the
   `travel.reflag` job runs: INSERT … SELECT … GROUP BY … ON CONFLICT), then the same with nothing to
   change, then the verification assignments for the flagged people in the city (`assign_verification`),
   then lifting every listed area (one UPDATE);
4. prints matching travel records per second and the ratio of the re-flag's time to the baseline's.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bench.common import Report, fresh_postgres, median_ms
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.travel import repository, rules
from lianfang.travel.flags import service as flags
from lianfang.travel.models import TravelFlag

RECORDS = int(os.environ.get("TRAVEL_BENCH_RECORDS", "5000000"))
PERSONS = int(os.environ.get("TRAVEL_BENCH_PERSONS", "1000000"))
COMMUNITIES = 200
LISTED_SHARE = float(os.environ.get("TRAVEL_BENCH_LISTED_SHARE", "0.10"))


def county_codes() -> list[str]:
    """Structurally valid county codes (bench data): every province × 10 prefectures × 9 counties."""
    return [
        f"{p}{m:02d}{c:02d}"
        for p in sorted(rules.PROVINCE_PREFIXES)
        for m in range(1, 11)
        for c in range(1, 10)
    ]


COMMUNITIES_SQL = """
INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active)
SELECT g, 'c' || g, '社区' || g, '', 'community', 1, '/1/' || g || '/', true FROM generate_series(2, :n + 1) g
"""
PLACES_SQL = """
INSERT INTO travel_places (code, name, parent_code, level, updated_at) VALUES (:c, :c, NULL, 'county', :t)
"""
PEOPLE_SQL = """
INSERT INTO people (id, pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality,
  community_id, jurisdiction_path, address, created_at, updated_at)
SELECT g, md5(g::text), 'P' || g, 'resident_id', md5(g::text) || md5('x' || g), 'x', 'x', 'CHN',
  2 + g % :n, '/1/' || (2 + g % :n) || '/', '', :t, :t
FROM generate_series(1, :p) g
"""
RECORDS_SQL = """
INSERT INTO travel_records (person_id, community_id, jurisdiction_path, place_code, from_on, to_on,
  last_day, source, source_ref, carrier, state, note, created_by, created_at)
SELECT p, 2 + p % :n, '/1/' || (2 + p % :n) || '/', (CAST(:codes AS text[]))[1 + (g % :k)],
  CAST(:today AS date) - (d + len), CAST(:today AS date) - d, CAST(:today AS date) - d,
  'carrier', 'R' || g, '', 'active', '', 'bench', :t
FROM (SELECT g, 1 + floor(random() * :p)::int AS p, floor(random() * 60)::int AS d,
        floor(random() * 10)::int AS len
      FROM generate_series(1, :r) g) s
"""
AREA_SQL = """
INSERT INTO travel_risk_areas (place_code, area_name, level, inside_city, starts_on, source, lift_rule,
  active, lift_reason, created_by, created_at, updated_at)
VALUES (:c, '', 'county', false, :d, 'bench', 'no_new_14d', true, '', 'bench', :t, :t)
"""
BASELINE_SQL = """
SELECT count(*) FROM travel_records
WHERE place_code = ANY(:codes) AND last_day >= :start AND from_on <= :today AND state = 'active'
"""


def load(engine: Engine, codes: list[str], now: datetime) -> None:
    today = local_date(now)
    with engine.begin() as conn:
        # Secondary indexes are built after the load (one sort each instead of millions of inserts).
        indexes = list(
            conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE tablename IN ('people', 'travel_records') AND indexname LIKE 'ix_%'"
                )
            )
        )
        for name, _definition in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.execute(text("SET session_replication_role = replica"))  # bulk load: skip FK triggers
        conn.execute(
            text(
                "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) "
                "VALUES (1, '110000', '北京市', 'Beijing', 'city', NULL, '/1/', true)"
            )
        )
        conn.execute(text(COMMUNITIES_SQL), {"n": COMMUNITIES})
        conn.execute(text(PLACES_SQL), [{"c": c, "t": now} for c in codes])
        conn.execute(text(PEOPLE_SQL), {"n": COMMUNITIES, "p": PERSONS, "t": now})
        params = {"n": COMMUNITIES, "codes": codes, "k": len(codes), "today": today, "p": PERSONS}
        conn.execute(text(RECORDS_SQL), {**params, "r": RECORDS, "t": now})
        conn.execute(text("SET session_replication_role = origin"))
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for _name, definition in indexes:
            conn.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        environment="test",
        embedded_worker=False,
        _env_file=None,
        secret_key="bench-secret-key",  # noqa: S106
        data_key="3k2wq1pQxV9l0Zq5mYV8b0Y2m7x4bW1c5n6H8j0K2L4=",
        lookup_key="bench-lookup-key",
    )  # type: ignore[call-arg]


def flag_figures(
    engine: Engine,
    settings: Settings,
    now: datetime,
    codes: list[str],
    listed: list[str],
    report: Report,
    baseline: tuple[int, float],
) -> None:
    matched, base_ms = baseline
    today = local_date(now)
    with Session(engine) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=now, bus=EventBus())
        for code in listed:
            session.execute(text(AREA_SQL), {"c": code, "d": today, "t": now})
        session.commit()
        t0 = time.perf_counter()
        changed = repository.upsert_flags(session, now, today)
        session.commit()
        flag_ms = (time.perf_counter() - t0) * 1000
        report.add("re-flag: INSERT … SELECT … ON CONFLICT (commit included)", flag_ms, "ms", base_ms)
        report.note("flags raised (persons × listed county)", f"{changed:,}")
        report.add("matching travel records per second", matched / (flag_ms / 1000), "records/s")
        report.add("table travel records per second", RECORDS / (flag_ms / 1000), "records/s")
        t0 = time.perf_counter()
        again = repository.upsert_flags(session, now, today)
        session.commit()
        report.add("re-run with nothing to change", (time.perf_counter() - t0) * 1000, "ms", base_ms)
        report.note("flags changed by the re-run", f"{again:,}")
        t0 = time.perf_counter()
        issued = flags.assign_verification(ctx)
        session.commit()
        report.add(
            f"verification assignments ({issued} communities)", (time.perf_counter() - t0) * 1000, "ms"
        )
        open_flags = session.scalar(
            select(func.count()).select_from(TravelFlag).where(TravelFlag.state == "open")
        )
        t0 = time.perf_counter()
        ids = [int(i) for i in session.scalars(text("SELECT id FROM travel_risk_areas"))]
        lifted = repository.clear_lifted(session, now, ids)
        session.commit()
        report.add(
            f"lift every listed county ({lifted:,} of {open_flags:,} flags)",
            (time.perf_counter() - t0) * 1000,
            "ms",
            base_ms,
        )
        # One more county listed on its own: what the job does after a single declaration.
        single = next(c for c in codes if c not in set(listed))
        session.execute(text(AREA_SQL), {"c": single, "d": today, "t": now})
        single_id = int(session.scalar(text("SELECT max(id) FROM travel_risk_areas")) or 0)
        session.commit()
        t0 = time.perf_counter()
        one = repository.upsert_flags(session, now, today, risk_area_id=single_id)
        session.commit()
        report.add(
            f"list one more county alone ({one:,} flags raised)", (time.perf_counter() - t0) * 1000, "ms"
        )


def main() -> None:
    url = fresh_postgres("lianfang_bench_travel")
    settings = settings_for(url)
    engine = make_engine(settings)
    upgrade(engine)
    now = datetime.now(UTC)
    today = local_date(now)
    codes = county_codes()
    started = time.perf_counter()
    load(engine, codes, now)
    load_s = time.perf_counter() - started
    listed = random.Random(7).sample(codes, int(len(codes) * LISTED_SHARE))
    report = Report(f"Remote-control re-flag on PostgreSQL, {RECORDS:,} travel records, {PERSONS:,} persons")
    report.note("load (generate_series, then VACUUM ANALYZE)", f"{load_s:.0f} s")
    report.note("counties listed", f"{len(listed):,} of {len(codes):,}")
    start = rules.window_start(today)

    def baseline() -> int:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(BASELINE_SQL), {"codes": listed, "start": start, "today": today}
                ).scalar_one()
            )

    matched = baseline()
    base_ms = median_ms(baseline, runs=3, warmup=1)
    report.note("travel records matching (window 14 days)", f"{matched:,}")
    report.add("baseline: indexed SELECT count(*) of those rows", base_ms, "ms")

    flag_figures(engine, settings, now, codes, listed, report, (matched, base_ms))
    report.print()
    engine.dispose()


if __name__ == "__main__":
    main()
