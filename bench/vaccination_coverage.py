"""Vaccination coverage and the due list with 1,000,000 people in one district (PostgreSQL).

Run: `.venv/bin/python -m bench.vaccination_coverage` (URL from LIANFANG_BENCH_DATABASE_URL, default
database lianfang_bench_vacc, dropped and recreated). Size: VACC_BENCH_PERSONS (default 1,000,000).

What it does: one city, one district, 200 communities; the people with birth dates spread over 0-95
years and a status row for 85 % of them (states mixed) loaded with INSERT … SELECT over generate_series;
then times the full set-based coverage refresh, one community's refresh (what an import does), the
coverage page's read (home and children rows only) and the due list's first and a later page for the
district — next to the baseline a page without the pre-aggregated table would run: a count of the
district's people."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.common import Report, fresh_postgres, median_ms
from bench.travel_reflag import settings_for
from lianfang.core.access import Actor
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.vaccination import refresh, service
from lianfang.vaccination import views as coverage

PERSONS = int(os.environ.get("VACC_BENCH_PERSONS", "1000000"))
COMMUNITIES = 200

LOAD = [
    "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) VALUES "
    "(1, '110000', '北京市', '', 'city', NULL, '/1/', true), "
    "(2, '110105', '朝阳区', '', 'district', 1, '/1/2/', true)",
    "INSERT INTO jurisdictions (id, code, name, name_en, level, parent_id, path, active) "
    "SELECT g, 'c' || g, '社区' || g, '', 'community', 2, '/1/2/' || g || '/', true "
    "FROM generate_series(3, :n + 2) g",
    "INSERT INTO people (id, pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality, "
    "birth_date, community_id, jurisdiction_path, address, created_at, updated_at) "
    "SELECT g, md5(g::text), '张' || g, 'resident_id', md5(g::text) || md5('x' || g), 'x', '11**', 'CHN', "
    "CAST(:today AS date) - CAST((g::bigint * 7919) % 34700 AS int), "
    "3 + g % :n, '/1/2/' || (3 + g % :n) || '/', '', :t, :t "
    "FROM generate_series(1, :p) g",
    "INSERT INTO vaccination_status (person_id, community_id, jurisdiction_path, birth_date, doses, "
    "last_dose_on, primary_complete, primary_completed_on, booster_received, booster_due_on, state, edition, "
    "contacted_by, contact_note, updated_at) "
    "SELECT id, community_id, jurisdiction_path, birth_date, 2, CAST(:today AS date) - 200, true, "
    "CAST(:today AS date) - 200, id % 3 = 0, "
    "CASE WHEN id % 3 = 0 THEN NULL ELSE CAST(:today AS date) - 20 END, "
    "CASE WHEN id % 3 = 0 THEN 'boosted' WHEN id % 3 = 1 THEN 'due' ELSE 'upcoming' END, 'bench', '', '', :t "
    "FROM people WHERE id % 20 < 17",
]


def main() -> None:
    url = fresh_postgres("lianfang_bench_vacc")
    settings = settings_for(url)
    engine = make_engine(settings)
    upgrade(engine)
    now = datetime.now(UTC)
    today = now.date()
    with engine.begin() as conn:
        for statement in LOAD:
            conn.execute(text(statement), {"n": COMMUNITIES, "p": PERSONS, "t": now, "today": today})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    report = Report(f"Vaccination coverage and due list, {PERSONS:,} people in one district")
    district = Actor(
        kind="staff",
        label="bench",
        jurisdiction_id=2,
        scope_path="/1/2/",
        permissions=frozenset({"vaccination.read"}),
    )
    with Session(engine) as session:
        ctx = Ctx(session=session, actor=district, settings=settings, now=now, bus=EventBus())
        count_sql = text(
            "SELECT count(*) FROM people WHERE jurisdiction_path >= '/1/2/' AND jurisdiction_path < '/1/2/~'"
        )
        base = median_ms(lambda: session.execute(count_sql).scalar(), runs=5, warmup=1)
        report.add("baseline: count the district's people (what a page must not do)", base, "ms")
        t0 = time.perf_counter()
        rows = refresh.refresh_coverage(ctx)
        session.commit()
        report.add(
            f"full coverage refresh, set-based ({rows} rows written, commit included)",
            (time.perf_counter() - t0) * 1000,
            "ms",
            base,
        )
        t0 = time.perf_counter()
        refresh.refresh_coverage(ctx, {3})
        session.commit()
        report.add("one community's refresh (after an import)", (time.perf_counter() - t0) * 1000, "ms", base)
        report.add(
            "coverage page read (home + children)", median_ms(lambda: coverage.coverage_view(ctx)), "ms", base
        )
        first = service.due_list(ctx, None, 50)
        report.add(
            "due list, first page of 50", median_ms(lambda: service.due_list(ctx, None, 50)), "ms", base
        )
        later = service.due_list(ctx, first.next_after, 50)
        report.add(
            "due list, next page (keyset)",
            median_ms(lambda: service.due_list(ctx, later.next_after, 50)),
            "ms",
            base,
        )
        session.rollback()  # the due-list audit rows
    report.print()
    engine.dispose()


if __name__ == "__main__":
    main()
