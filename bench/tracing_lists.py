"""Tracing's lists at a city's scale: 1,000,000 people and 100,000 contacts in one district.

Run: `.venv/bin/python -m bench.tracing_lists` (PostgreSQL; database lianfang_bench_tracing_lists,
dropped and recreated). About 5 minutes here.

1. The district of `bench.people_list` (300 communities, 1,000,000 people bulk-loaded).
2. 2,000 cases (open, closed, pending, over 30 days) and 100,000 proposed contacts, written with
   `INSERT … SELECT`: one case of a large cluster has 20,000 (a market), a thousand others 80 each.
3. The investigator confirms 5,000 of the large case's close contacts in five bulk decisions of 1,000
   through the API, so each is sent to its community (a request and an assignment each) by the real
   code: timed per decision.
4. Each list through the app (`TestClient`, one event loop, bearer token, median of 15), next to the
   app's floor in the same run, `GET /api/me` (sign-in check only): the ratio is the list's cost over a
   request that does nothing.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from bench.common import Report, fresh_postgres, median_ms
from bench.people_list import PASSWORD, build_tree, bulk_load
from lianfang.accounts import service as accounts_service
from lianfang.app import create_app
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.tracing.contacts.service import BULK_MAX

RUNS = 15
CASES, BIG, OTHERS, PER_OTHER = 2_000, 20_000, 1_000, 80
CONFIRMED_BATCHES = 5

CASE_ROWS = """
INSERT INTO tracing_cases (code, person_id, jurisdiction_path, status, classification, origin, found_by,
  source, onset_at, reported_at, lookback_days, rule_edition, note, proposed_at, created_at, updated_at)
SELECT 'LD' || lpad(p.id::text, 8, '0'), p.id, p.jurisdiction_path,
  (ARRAY['open','open','open','open','open','open','open','closed','closed','pending'])[1 + p.id % 10],
  CASE WHEN p.id % 4 = 0 THEN 'asymptomatic' ELSE 'confirmed' END, 'manual',
  (ARRAY['under_control','community_screening','clinic','arrival_screening'])[1 + p.id % 4], 'local',
  now() - make_interval(days => (p.id % 30)) - interval '1 day', now() - make_interval(days => (p.id % 30)),
  2, '9th', '', now(), now(), now()
FROM people p WHERE p.id <= :n
"""
CONTACT_ROWS = """
INSERT INTO tracing_contacts (case_id, person_id, jurisdiction_path, degree, category, status, reason,
  detail, rule, rule_edition, venue_id, first_contact_at, last_contact_at, overlap_minutes, manual, note,
  created_at, updated_at, outside_name, outside_city, outside_phone)
SELECT c.id, p.id, p.jurisdiction_path, CASE WHEN p.id % 10 = 0 THEN 2 ELSE 1 END,
  (ARRAY['close','close','general','secondary'])[1 + p.id % 4], 'proposed',
  CASE WHEN p.id % 4 = 3 THEN 'secondary' ELSE 'venue' END, '市场 · 45 min', 'RULES §1.2 (6) · 9th',
  '9th', NULL, now() - interval '2 days', now() - interval '2 days' + interval '45 minutes', 45, false, '',
  now(), now(), '', '', ''
FROM people p JOIN tracing_cases c ON c.person_id = :case_person
WHERE p.id > :first AND p.id <= :first + :n
"""
SPREAD = """
INSERT INTO tracing_contacts (case_id, person_id, jurisdiction_path, degree, category, status, reason,
  detail, rule, rule_edition, first_contact_at, last_contact_at, overlap_minutes, manual, note,
  created_at, updated_at, outside_name, outside_city, outside_phone)
SELECT c.id, p.id, p.jurisdiction_path, 1, (ARRAY['close','general'])[1 + p.id % 2], 'proposed',
  'household', '同住', 'RULES §1.2 (1) · 9th', '9th', now() - interval '1 day', NULL, 0, false, '',
  now(), now(), '', '', ''
FROM tracing_cases c
JOIN people p ON p.id > :first + (c.person_id - 2) * :per AND p.id <= :first + (c.person_id - 1) * :per
WHERE c.person_id BETWEEN 2 AND :others + 1
"""


def seed(engine: Engine) -> dict[str, int]:
    """The cases and contacts; the ids the lists are asked for."""
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(CASE_ROWS), {"n": CASES})
        conn.execute(text(CONTACT_ROWS), {"case_person": 1, "first": CASES, "n": BIG})
        conn.execute(text(SPREAD), {"first": CASES + BIG, "per": PER_OTHER, "others": OTHERS})
        big = conn.execute(text("SELECT id FROM tracing_cases WHERE person_id = 1")).scalar_one()
        ids = conn.execute(text("SELECT min(id), max(id), count(*) FROM tracing_cases")).one()
        contacts = conn.execute(
            text("SELECT count(*), max(id) FROM tracing_contacts WHERE case_id = :c"), {"c": big}
        ).one()
        total = conn.execute(text("SELECT count(*) FROM tracing_contacts")).scalar_one()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tracing_cases"))
        conn.execute(text("VACUUM ANALYZE tracing_contacts"))
    print(f"seeded {ids[2]:,} cases, {total:,} contacts in {time.perf_counter() - t0:.0f} s", flush=True)
    return {
        "big": big,
        "deep_case": int(ids[0]) + 20,
        "big_contacts": int(contacts[0]),
        "deep_contact": int(contacts[1]) - 300,
        "contacts": int(total),
    }


def confirm_in_bulk(client: TestClient, big: int) -> list[float]:
    """Confirm BULK_MAX close contacts of the large case at a time: seconds per decision."""
    timings = []
    for _ in range(CONFIRMED_BATCHES):
        page = client.get(
            f"/api/tracing/cases/{big}/contacts",
            params={"category": "close", "status": "proposed", "limit": BULK_MAX},
        ).json()["items"]
        t0 = time.perf_counter()
        done = client.post(
            "/api/tracing/contacts/decide", json={"ids": [c["id"] for c in page], "action": "confirm"}
        )
        timings.append(time.perf_counter() - t0)
        assert done.status_code == 200 and done.json()["done"] == len(page) == BULK_MAX, done.text
    return timings


def main() -> None:
    started = time.perf_counter()
    url = fresh_postgres("lianfang_bench_tracing_lists")
    keys = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    settings = Settings(database_url=url, environment="test", embedded_worker=False, _env_file=None, **keys)  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade(engine)
    district, communities = build_tree(engine, settings)
    bulk_load(engine, settings, communities)
    with transaction(make_session_factory(engine)) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        accounts_service.create_user(ctx, "cdc.bench", "流调队员", PASSWORD, "investigator", district.id)
    ids = seed(engine)
    big = ids["big"]
    report = Report(
        f"tracing lists: 1,000,000 people, {ids['contacts']:,} contacts in one district "
        f"(PostgreSQL, TestClient, median of {RUNS})"
    )
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/auth/token", json={"username": "cdc.bench", "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        decisions = confirm_in_bulk(client, big)
        floor = median_ms(lambda: client.get("/api/me"), RUNS)
        report.add("app floor: GET /api/me (baseline)", floor, "ms")
        contacts, close = f"/api/tracing/cases/{big}/contacts", {"category": "close", "status": "confirmed"}
        lists: list[tuple[str, str, dict[str, Any]]] = [
            ("cases, first page (API)", "/api/tracing/cases", {}),
            ("cases, status open", "/api/tracing/cases", {"status": "open"}),
            ("cases, deep keyset page", "/api/tracing/cases", {"after": ids["deep_case"]}),
            ("/tracing (case list page)", "/tracing", {}),
            (f"large case's contacts ({ids['big_contacts']:,}), first 500", contacts, {}),
            ("  deep keyset page", contacts, {"after": ids["deep_contact"]}),
            ("  close and confirmed", contacts, close),
            ("large case's requests, first 500, with tallies", f"/api/tracing/cases/{big}/requests", {}),
            ("/tracing/cases/{id} (the large case's page)", f"/tracing/cases/{big}", {}),
            ("found-under-control share, 30 days (API)", "/api/tracing/metrics/under-control", {"days": 30}),
            ("/tracing/metrics (page)", "/tracing/metrics", {}),
            ("/tracing/clusters (page)", "/tracing/clusters", {}),
        ]
        worst = 0.0
        for name, route, query in lists:
            answer = client.get(route, params=query)
            assert answer.status_code == 200, (name, answer.text[:300])

            def get(route: str = route, query: dict[str, Any] = query) -> object:
                return client.get(route, params=query)

            value = median_ms(get, RUNS)
            worst = max(worst, value)
            report.add(name, value, "ms", floor)
        t0 = time.perf_counter()
        export = client.get(f"/tracing/cases/{big}/contacts/export", params={"format": "csv"})
        export_s = time.perf_counter() - t0
        assert export.status_code == 200
    report.add("slowest list", worst, "ms", floor)
    bulk = f"bulk confirm of {BULK_MAX:,} contacts (each sent), median of {CONFIRMED_BATCHES}"
    report.add(bulk, statistics.median(decisions) * 1000, "ms", floor)
    report.note(
        "export of the large case's contacts (CSV)",
        f"{export_s:.2f} s, {export.text.count(chr(10)) - 1:,} rows",
    )
    report.note("total run time", f"{time.perf_counter() - started:.0f} s")
    report.print()


if __name__ == "__main__":
    main()
