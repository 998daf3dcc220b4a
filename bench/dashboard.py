"""The command dashboard with a 1,000,000-person city on PostgreSQL, against a bare indexed query.

Run: `.venv/bin/python -m bench.dashboard` (URL from LIANFANG_BENCH_DATABASE_URL, default database
lianfang_bench_dash, dropped and recreated, and dropped again at the end). Sizes: DASH_BENCH_PERSONS
(default 1,000,000), DASH_BENCH_SCANS_PER_DAY (default 1,000,000) over DASH_BENCH_DAYS (default 4) days.

What it does: one city, 16 districts, 800 communities, the people, 8,000 venues, 2,000 cases and 8,000
contacts over 30 days, 20,000 control orders, and the scans, each day INSERT … SELECT over
generate_series into that day's partition (50 million scans do not fit the build budget on a 2-core
machine: the dashboard never reads scans, which the EXPLAIN of its queries printed at the end shows,
so its time does not depend on their number; only the refresh reads the last two days' partitions).
Then times: the refresh (periodic: last two scan days), GET /analytics through the app (TestClient, a
city-command user), GET /api/analytics/dashboard, and the baseline: one indexed primary-key read."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.common import fresh_postgres, median_ms
from bench.travel_reflag import settings_for
from lianfang.accounts import service as accounts_service
from lianfang.analytics import refresh
from lianfang.app import build_runtime, create_app
from lianfang.checkins.partitions.repository import ensure_scan_partitions
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade

PERSONS = int(os.environ.get("DASH_BENCH_PERSONS", "1000000"))
SCANS_PER_DAY = int(os.environ.get("DASH_BENCH_SCANS_PER_DAY", "1000000"))
SCAN_DAYS = int(os.environ.get("DASH_BENCH_DAYS", "4"))
DISTRICTS, COMMUNITIES, VENUES = 16, 800, 8000
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a throwaway database)

LOAD = [
    "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) VALUES "
    "(1, '110000', '北京市', '', 'city', NULL, '/1/', true)",
    "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) "
    "SELECT g, 'd' || g, '区' || g, '', 'district', 1, '/1/' || g || '/', true FROM generate_series(2, 17) g",
    "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) "
    "SELECT g, 'c' || g, '社区' || g, '', 'community', 2 + g % 16, '/1/' || (2 + g % 16) || '/' || g || '/', "
    "true FROM generate_series(100, 100 + :communities - 1) g",
    "INSERT INTO people (id, pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality, "
    "community_id, jurisdiction_path, address, created_at, updated_at) "
    "SELECT g, md5(g::text), '张' || g, 'resident_id', md5(g::text) || md5('x' || g), 'x', '11**', 'CHN', "
    "j.id, j.path, '', :t, :t FROM generate_series(1, :persons) g "
    "JOIN jurisdictions j ON j.id = 100 + g % :communities",
    "INSERT INTO venues (id, code, name, kind, community_id, jurisdiction_path, address, status, "
    "status_reason, status_by_authority, created_at, updated_at) "
    "SELECT g, 'v' || g, '场所' || g, CASE WHEN g % 10 = 0 THEN 'supermarket' ELSE 'restaurant' END, "
    "j.id, j.path, '', CASE WHEN g % 97 = 0 THEN 'sealed' ELSE 'open' END, '', false, :t, :t "
    "FROM generate_series(1, :venues) g JOIN jurisdictions j ON j.id = 100 + g % :communities",
    "INSERT INTO tracing_cases (id, code, person_id, jurisdiction_path, status, classification, origin, "
    "found_by, source, reported_at, lookback_days, rule_edition, note, created_at, updated_at) "
    "SELECT g, 'C' || g, g * 400, p.jurisdiction_path, 'open', "
    "CASE WHEN g % 3 = 0 THEN 'asymptomatic' ELSE 'confirmed' END, 'manual', "
    "CASE WHEN g % 4 = 0 THEN 'community_screening' ELSE 'under_control' END, "
    "CASE WHEN g % 20 = 0 THEN 'imported' ELSE 'local' END, "
    "CAST(:t AS timestamptz) - (g % 30) * interval '1 day', 4, 'bench', '', :t, :t "
    "FROM generate_series(1, 2000) g JOIN people p ON p.id = g * 400",
    "INSERT INTO tracing_contacts (case_id, person_id, jurisdiction_path, degree, category, status, reason, "
    "detail, rule, rule_edition, overlap_minutes, manual, note, created_at, updated_at, controlled_at, "
    "outside_name, outside_city, outside_phone) "
    "SELECT 1 + g % 2000, g * 100 + 7, p.jurisdiction_path, 1, 'close', 'confirmed', 'household', '', 'r', "
    "'bench', 0, false, '', CAST(:t AS timestamptz) - (g % 30) * interval '1 day', :t, "
    "CAST(:t AS timestamptz) - (g % 30) * interval '1 day' + (g % 40) * interval '1 hour', '', '', '' "
    "FROM generate_series(1, 8000) g JOIN people p ON p.id = g * 100 + 7",
    "INSERT INTO control_orders (person_id, community_id, jurisdiction_path, source, source_ref, "
    "person_class, edition, kind, centralised_days, home_days, monitoring_days, test_days, swab, "
    "double_test, citation, last_exposure_on, ends_on, status, given_how, delivered, work_prohibited, team, "
    "end_reason, created_at, updated_at) "
    "SELECT p.id, p.community_id, p.jurisdiction_path, 'manual', '', 'close', '9th', "
    "(ARRAY['centralised','home_quarantine','home_monitoring'])[1 + g % 3], 7, 3, 0, '1', 'nasal', false, "
    "'b', CAST(:today AS date), CAST(:today AS date) + 7, 'active', 'verbal', false, true, '', '', :t, :t "
    "FROM generate_series(1, 20000) g JOIN people p ON p.id = g * 50",
]
SCANS = (
    "INSERT INTO scans (scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, "
    "created_at) SELECT CAST(:day AS date), 1 + g % :venues, 1 + (g::bigint * 7919) % :persons, :at, :at, "
    "false, 'sim', :at FROM generate_series(1, :n) g"
)


def main() -> None:  # noqa: PLR0915 (one straight script: build, measure, report, drop)
    url = fresh_postgres("lianfang_bench_dash")
    settings = settings_for(url)
    engine = make_engine(settings)
    upgrade(engine)
    now = datetime.now(UTC)
    today = local_date(now)
    built = time.perf_counter()
    factory = make_session_factory(engine)
    with factory() as session:
        for statement in LOAD:
            session.execute(
                text(statement),
                {"t": now, "today": today, "persons": PERSONS, "communities": COMMUNITIES, "venues": VENUES},
            )
        ensure_scan_partitions(session, today - timedelta(days=SCAN_DAYS - 1), today)
        session.commit()
        for n in range(SCAN_DAYS):
            day = today - timedelta(days=n)
            at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
            params = {"day": day, "at": at, "venues": VENUES, "persons": PERSONS, "n": SCANS_PER_DAY}
            session.execute(text(SCANS), params)
            session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
    build_s = time.perf_counter() - built
    ctx_of = lambda s: Ctx(session=s, actor=SYSTEM, settings=settings, now=now, bus=EventBus())  # noqa: E731
    with factory() as session:
        ctx = ctx_of(session)
        start = time.perf_counter()
        refresh.refresh(ctx, full=True)
        full_s = time.perf_counter() - start
        start = time.perf_counter()
        refresh.refresh(ctx)
        periodic_s = time.perf_counter() - start
        accounts_service.create_user(ctx, "bench.city", "city", PASSWORD, "city_command", 1)
        session.commit()
    runtime = build_runtime(settings, factory)
    client = TestClient(create_app(settings, runtime))
    token = client.post("/api/auth/token", json={"username": "bench.city", "password": PASSWORD, "name": "b"})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    page = client.get("/analytics")
    assert page.status_code == 200, page.text[:500]
    page_ms = median_ms(lambda: client.get("/analytics"), runs=9)
    api_ms = median_ms(lambda: client.get("/api/analytics/dashboard"), runs=9)
    with Session(engine) as session:
        bare_ms = median_ms(lambda: session.execute(text("SELECT name FROM people WHERE id = 4242")).all())
        scans = session.execute(text("SELECT count(*) FROM scans")).scalar_one()
        plan = session.execute(
            text(
                "EXPLAIN SELECT district_path, day, metric, value FROM analytics_daily "
                "WHERE district_path >= '/1/' AND district_path < '/1/~' AND day >= :d"
            ),
            {"d": today - timedelta(days=59)},
        ).all()
    client.close()
    engine.dispose()
    print(f"persons {PERSONS:,} · scans {scans:,} over {SCAN_DAYS} days · build {build_s:.0f} s")
    print(f"refresh full (window, all scan days) {full_s * 1000:.0f} ms")
    print(f"refresh periodic (last 2 scan days) {periodic_s * 1000:.0f} ms")
    print(f"GET /analytics median {page_ms:.1f} ms · GET /api/analytics/dashboard {api_ms:.1f} ms")
    print(f"baseline: indexed primary-key read {bare_ms:.2f} ms")
    print("EXPLAIN (the dashboard's daily read):", " / ".join(r[0] for r in plan))
    base, db = url.rsplit("/", 1)
    admin = create_engine(f"{base}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
