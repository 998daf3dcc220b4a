"""The health code's 24:00 pass at city scale, on PostgreSQL.

Run: `.venv/bin/python -m bench.healthcode_nightly` (URL from LIANFANG_BENCH_DATABASE_URL, default database
lianfang_bench_healthcodes, dropped and recreated). Sizes: HC_BENCH_PERSONS (default 1,000,000) and
HC_BENCH_DUE (default 100,000: people whose facts change by date tonight).

What it does:
1. builds the schema with the migrations and loads the persons (INSERT … SELECT over generate_series), a
   stored status for every one of them with its live facts: for the due share an inbound observation
   whose pop-up ② ended yesterday (入境隔离期满后次日自动解除), 70 % of them with nothing else (their row is
   cleared set-based) and 30 % also with a travel flag (pop-up ①) for 5 more days (derived); the rest of
   the population a travel flag ending on a later day;
2. baseline, same run: one plain indexed `UPDATE health_statuses … WHERE next_change_on <= today` (the least
   any pass must write for those rows);
3. times `healthcodes.nightly.run_pass` at 00:01 (reads the due rows on their index with the facts stored
   on them, derives, writes statuses and change rows in one statement per table and batch);
4. prints persons per second over the whole population (what the issue names: 22 million in under two
   minutes) and over the due rows, and the ratio of the pass's time to the baseline's.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from bench.common import fresh_postgres
from bench.travel_reflag import COMMUNITIES, COMMUNITIES_SQL, PEOPLE_SQL, settings_for
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.healthcodes import rules
from lianfang.healthcodes.status import tasks as nightly

PERSONS = int(os.environ.get("HC_BENCH_PERSONS", "1000000"))
DUE = int(os.environ.get("HC_BENCH_DUE", "100000"))

_INBOUND = """json_build_object('kind', 'inbound', 'ref', 'travel_observation:' || g,
  'since', CAST(:since AS text), 'ends_on', CAST(CAST(:today AS date) - 1 AS text), 'cleared_at', NULL,
  'detail', '')"""
_FLAG = """json_build_object('kind', 'travel_flag', 'ref', 'travel_flag:' || g, 'since', CAST(:since AS text),
  'ends_on', CAST(CAST(:today AS date) + {days} AS text), 'cleared_at', NULL, 'detail', '420106')"""
# Due rows: 70 % lose their last fact tonight (cleared set-based), 30 % keep another one (derived).
STATUSES_SQL = f"""
INSERT INTO health_statuses (person_id, jurisdiction_path, colour, popups, edition, facts, next_change_on,
  clears_on, derived_at, changed_at)
SELECT g, '/1/' || (2 + g % :n) || '/', 'green',
  CASE WHEN g <= :full THEN '2' WHEN g <= :due THEN '1,2' ELSE '1' END, 'bj2022-11',
  CASE WHEN g <= :full THEN json_build_array({_INBOUND})
       WHEN g <= :due THEN json_build_array({_INBOUND}, {_FLAG.format(days=5)})
       ELSE json_build_array({_FLAG.format(days="1 + g % 20")}) END,
  CASE WHEN g <= :due THEN CAST(:today AS date) ELSE CAST(:today AS date) + 2 + g % 20 END,
  CASE WHEN g <= :full THEN CAST(:today AS date) WHEN g <= :due THEN CAST(:today AS date) + 6
       ELSE CAST(:today AS date) + 2 + g % 20 END,
  :t, :t
FROM generate_series(1, :p) g
"""
OBSERVATIONS_SQL = """
INSERT INTO travel_observations (person_id, community_id, jurisdiction_path, kind, origin_id, edition, mode,
  centralised_days, home_days, monitoring_days, test_days, starts_on, handover_on, isolation_ends_on,
  monitoring_ends_on, popup2_until, state, created_at)
SELECT g, 2 + g % :n, '/1/' || (2 + g % :n) || '/', 'inbound', g, 'bench', 'centralised', 14, 7, 0, '',
  CAST(:today AS date) - 22, CAST(:today AS date) - 8, CAST(:today AS date) - 1, CAST(:today AS date) - 1,
  CAST(:today AS date) - 1, 'required', :t
FROM generate_series(1, :due) g
"""


def load(engine: Engine, now_today: date, t: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(text("SET session_replication_role = replica"))
        conn.execute(
            text(
                "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) "
                "VALUES (1, '110000', '北京市', 'Beijing', 'city', NULL, '/1/', true)"
            )
        )
        conn.execute(text(COMMUNITIES_SQL), {"n": COMMUNITIES})
        conn.execute(text(PEOPLE_SQL), {"n": COMMUNITIES, "p": PERSONS, "t": t})
        since = (t - timedelta(days=22)).isoformat()
        params = {"n": COMMUNITIES, "p": PERSONS, "due": DUE, "full": DUE * 7 // 10, "today": now_today}
        params |= {"t": t, "since": since}
        conn.execute(text(STATUSES_SQL), params)
        conn.execute(text(OBSERVATIONS_SQL), params)
        conn.execute(text("SET session_replication_role = origin"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def main() -> None:
    url = fresh_postgres("lianfang_bench_healthcodes")
    settings = settings_for(url)
    engine = create_engine(url)
    upgrade(engine)
    start = utcnow()
    today = local_date(start)
    print(f"loading {PERSONS:,} persons, {DUE:,} due tonight …", flush=True)
    load(engine, today, start)
    midnight = rules.start_of_day(today) + timedelta(minutes=1)

    with engine.begin() as conn:
        began = time.perf_counter()
        conn.execute(
            text("UPDATE health_statuses SET derived_at = :t WHERE next_change_on <= :d"),
            {"t": midnight, "d": today},
        )
        baseline = time.perf_counter() - began
        conn.rollback()

    with Session(engine) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=midnight, bus=EventBus())
        # Warm-up: the worker's first pass builds SQLAlchemy's mappers and statement caches once.
        nightly.run_pass(replace(ctx, now=midnight - timedelta(days=2)))
        began = time.perf_counter()
        done = nightly.run_pass(ctx)
        session.commit()
        elapsed = time.perf_counter() - began
        left = session.execute(text("SELECT count(*) FROM health_statuses WHERE popups = '2'")).scalar_one()
    print(f"baseline UPDATE of the due rows: {baseline:.2f} s")
    print(f"nightly pass: {done:,} due persons in {elapsed:.2f} s; pop-up ② still shown: {left}")
    print(f"persons/s over the population: {PERSONS / elapsed:,.0f} (target ≥ 200,000)")
    print(f"persons/s over the due rows:   {done / elapsed:,.0f}")
    print(f"pass / baseline time: {elapsed / baseline:.1f}×")
    print(f"22 million persons at this population rate: {22_000_000 / (PERSONS / elapsed):.0f} s")


if __name__ == "__main__":
    main()
