"""Proposing the venue contacts of a case, at city scale (issue 6, "Speed").

Builds a fresh PostgreSQL database with N scans over 14 day partitions (default 10 million: what this
2-core machine generates in a few minutes; the issue names 100 million), at the per-venue density of a
100-million-scan city (≈ 350 scans per venue per day), persons in households of three, and a case with
20 visits. Then, in one run:

1. the API: GET /api/tracing/cases/{id}/proposals (household, groups, venue overlaps classified by the
   rules, masked names, JSON, an audit row), median of repeated calls, served by `lianfang serve` (one
   uvicorn process) to one keep-alive HTTP connection, as a script or the case page asks; and through
   Starlette's TestClient in this process (one event loop for all calls);
2. the bare indexed SQL for the same 20 visits (one UNION ALL statement over the (venue_id, scanned_at)
   index, raw psycopg, no ORM, no rules) — the floor;
3. DuckDB: the same scans loaded into an in-process DuckDB table, the case's visits hash-joined to them
   (what an analyst would otherwise do);
4. 100 new cases in one day: open each case and store its proposals with secondary contacts.

    .venv/bin/python -m bench.tracing_contacts [--scans 10000000] [--cases 100] [--reuse]

`--reuse` keeps the database a previous run built with the same `--scans` (same day: the scans are dated
from the day they were made) instead of building it again: 100 million scans take most of an hour here.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import orjson
from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.checkins_world import free_port, start
from bench.common import Report, existing_postgres, fresh_postgres, median_ms
from lianfang.accounts import service as accounts_service
from lianfang.app import create_app
from lianfang.checkins.partitions.repository import partition_name
from lianfang.checkins.rules import scan_bounds
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import SHANGHAI, local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.jobs import Runtime
from lianfang.core.migrate import upgrade
from lianfang.jurisdictions import service as jurisdictions_service
from lianfang.tracing import tasks as tracing_tasks
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts

DAYS = 14
PER_VENUE_DAY = 350
KINDS = ["supermarket", "restaurant", "office_building", "metro_station", "mall", "gym", "ktv",
         "chess_card_room", "internet_cafe", "cinema", "clinic", "pharmacy", "market", "other"]  # fmt: skip
NAME = "lianfang_bench_tracing"
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a throwaway database)
Visits = list[tuple[int, datetime, datetime]]

HOUSEHOLDS = (
    "INSERT INTO households (id, code, community_id, jurisdiction_path, address, created_at) "
    "SELECT i, 'H' || i, :c, :p, '', now() FROM generate_series(1, :n) i"
)
PEOPLE = (
    "INSERT INTO people (id, pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality, "
    "community_id, jurisdiction_path, household_id, address, created_at, updated_at) "
    "SELECT i, 'p' || i, '张' || i, 'resident_id', 'h' || i, 'x', "
    "'1101************' || lpad((i % 100)::text, 2, '0'), 'CHN', :c, :p, i / 3 + 1, '', now(), now() "
    "FROM generate_series(1, :n) i"
)  # households of three: close contacts, and secondary contacts through them
VENUES = (
    "INSERT INTO venues (id, code, name, kind, community_id, jurisdiction_path, address, capacity, status, "
    "status_reason, status_by_authority, created_at, updated_at) "
    "SELECT i, 'V' || i, '场所' || i, ({kinds})[1 + i % {n_kinds}], :c, :p, '', "
    "CASE WHEN i % 10 = 0 THEN 20 ELSE 200 END, 'open', '', false, now(), now() "
    "FROM generate_series(1, :n) i"
)  # one venue in ten is a small room (capacity 20)
SCANS = (
    "INSERT INTO {name} (id, scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, "
    "created_at) SELECT :base + i, :day, 1 + floor(random() * :v)::int, 1 + floor(random() * :p)::int, t, "
    "t + make_interval(mins => 5 + floor(random() * 115)::int), true, 'sim', t "
    "FROM (SELECT i, :s + make_interval(secs => 21600 + floor(random() * 57600)) AS t "
    "FROM generate_series(1, :n) i) g"
)  # uniform over venues and persons, 06:00-22:00, stays of 5-120 minutes
CASE_SCAN = (
    "INSERT INTO scans (id, scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, "
    "created_at) VALUES (:i, :d, :v, :p, :a, :b, true, 'sim', :a)"
)
NEW_CASES = (
    "SELECT DISTINCT s.person_id FROM scans s WHERE s.scan_date = :d AND s.person_id < :p AND NOT EXISTS "
    "(SELECT 1 FROM tracing_cases c WHERE c.person_id = s.person_id) LIMIT :n"
)  # people who scanned yesterday and are no case yet (a --reuse run keeps the earlier runs' cases)
CASE_ROWS = "SELECT venue_id, scanned_at, stay_until FROM scans WHERE id >= :i ORDER BY id"
BARE = (
    "SELECT person_id, scanned_at, stay_until FROM scans WHERE venue_id = %(v{k})s "
    "AND scanned_at > %(e{k})s AND scanned_at < %(b{k})s AND stay_until > %(a{k})s "
    "AND scan_date >= %(d{k})s AND scan_date <= %(f{k})s"
)
DUCK_JOIN = (
    "SELECT s.person_id, epoch(s.scanned_at), epoch(s.stay_until) FROM scans s "
    "JOIN visits v ON s.venue_id = v.venue_id WHERE s.scanned_at < v.b AND s.stay_until > v.a"
)
DUCK_LOAD = (
    "CREATE TABLE scans AS SELECT * FROM read_csv(?, header=false, columns={'venue_id': 'INTEGER', "
    "'person_id': 'INTEGER', 'scanned_at': 'TIMESTAMPTZ', 'stay_until': 'TIMESTAMPTZ'})"
)


def _sql(conn: Any, statement: str, **params: object) -> None:
    conn.execute(text(statement), params)


def _settings(reuse: bool = False) -> Settings:
    url = existing_postgres(NAME) if reuse else fresh_postgres(NAME)
    keys = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    return Settings(  # type: ignore[call-arg]
        database_url=url, environment="production", embedded_worker=False, tracing_edition="9th",
        _env_file=None, **keys,
    )  # fmt: skip


def _places(settings: Settings) -> tuple[int, str, str]:
    """The city tree and an investigator with an API token: (community id, path, token)."""
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        new, make = jurisdictions_service.JurisdictionInput, jurisdictions_service.create_jurisdiction
        make(ctx, new("110000", "北京市", "city"))
        district = make(ctx, new("110105", "朝阳区", "district", "110000"))
        make(ctx, new("110105001", "建外街道", "street", "110105"))
        community = make(ctx, new("110105001001", "建外第1社区", "community", "110105001"))
        user = accounts_service.create_user(ctx, "cdc", "流调队员", PASSWORD, "investigator", district.id)
        return community.id, community.path, accounts_service.issue_api_token(ctx, user.id, "bench")


def build(scans: int) -> tuple[Settings, int, int, str, Visits]:
    settings = _settings()
    engine = make_engine(settings)
    upgrade(engine)
    community_id, path, token = _places(settings)
    persons, venues = max(scans // 10, 10_000), max(scans // (DAYS * PER_VENUE_DAY), 50)
    first = local_date(utcnow()) - timedelta(days=DAYS - 1)
    start = time.perf_counter()
    with engine.begin() as conn:
        where = {"c": community_id, "p": path}
        _sql(conn, "SELECT setseed(0.42)")
        _sql(conn, HOUSEHOLDS, n=persons // 3 + 1, **where)
        _sql(conn, PEOPLE, n=persons, **where)
        kinds = "ARRAY[" + ",".join(f"'{k}'" for k in KINDS) + "]"
        _sql(conn, VENUES.format(kinds=kinds, n_kinds=len(KINDS)), n=venues, **where)
        for table in ("people", "venues", "households"):
            _sql(conn, f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    per_day = scans // DAYS
    for d in range(DAYS):
        day = first + timedelta(days=d)
        name, after = partition_name(day), day + timedelta(days=1)
        day_start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
        with engine.begin() as conn:  # loaded unindexed, then attached (the indexes are built once)
            _sql(conn, "SET LOCAL maintenance_work_mem = '1GB'")
            _sql(conn, f"CREATE TABLE {name} (LIKE scans INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            bound = f"CHECK (scan_date >= '{day}' AND scan_date < '{after}')"
            _sql(conn, f"ALTER TABLE {name} ADD CONSTRAINT {name}_day {bound}")
            params = {"base": d * per_day, "day": day, "v": venues, "p": persons - 1, "s": day_start}
            _sql(conn, SCANS.format(name=name), n=per_day, **params)
            _sql(conn, f"ALTER TABLE scans ATTACH PARTITION {name} FOR VALUES FROM ('{day}') TO ('{after}')")
            _sql(conn, f"ALTER TABLE {name} DROP CONSTRAINT {name}_day")
        print(f"  day {d + 1}/{DAYS}: {per_day:,} scans ({time.perf_counter() - start:.0f} s)", flush=True)
    case_person = persons  # the last person scans only the case's 20 visits
    onset = datetime.combine(first + timedelta(days=DAYS - 2), datetime.min.time(), tzinfo=SHANGHAI)
    onset += timedelta(hours=10)
    visits: Visits = []
    with engine.begin() as conn:
        for k in range(20):
            at = onset - timedelta(days=2) + timedelta(hours=3 * k + 8 * (k // 5))
            venue, until = 1 + (k * 7919) % venues, at + timedelta(minutes=60)
            visits.append((venue, at, until))
            _sql(conn, CASE_SCAN, i=10**11 + k, d=local_date(at), v=venue, p=case_person, a=at, b=until)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        _sql(conn, "VACUUM ANALYZE")
    print(f"  loaded in {time.perf_counter() - start:.0f} s", flush=True)
    engine.dispose()
    return settings, case_person, persons, token, visits


def reused(scans: int) -> tuple[Settings, int, int, str, Visits] | None:
    """What `build(scans)` made in an earlier run, with a new API token; None if it is not there."""
    settings = _settings(reuse=True)
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(*) FROM scans WHERE scan_date = current_date - 1")
            ).scalar()
            rows = conn.execute(text(CASE_ROWS), {"i": 10**11}).all()
            case_person = conn.execute(
                text("SELECT max(person_id) FROM scans WHERE id >= :i"), {"i": 10**11}
            ).scalar()
    except Exception:  # no database or no tables yet: build it
        return None
    finally:
        engine.dispose()
    if len(rows) != 20 or not stored or abs(stored * DAYS - scans) > scans // 10:
        return None
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        user_id = session.execute(text("SELECT id FROM users WHERE username = 'cdc'")).scalar_one()
        token = accounts_service.issue_api_token(ctx, user_id, "bench")
    return settings, int(case_person), int(case_person), token, [(v, a, b) for v, a, b in rows]


def the_case(runtime: Runtime, person: int, onset: datetime) -> int:
    """The case of `person`: opened now, or the one an earlier run (`--reuse`) opened."""
    with transaction(runtime.factory) as session:
        found = session.execute(text("SELECT id FROM tracing_cases WHERE person_id = :p"), {"p": person})
        existing = found.scalar()
        if existing is not None:
            return int(existing)
        return service.open_case(runtime.ctx(session), service.CaseInput(person, onset_at=onset)).id


def bare_statement(visits: Visits) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {}
    for k, (venue, a, b) in enumerate(visits):
        earliest, first_day, last_day = scan_bounds(a, b)
        params |= {f"v{k}": venue, f"e{k}": earliest, f"a{k}": a, f"b{k}": b}
        params |= {f"d{k}": first_day, f"f{k}": last_day}
    return " UNION ALL ".join(BARE.format(k=k) for k in range(len(visits))), params


def http_ms(settings: Settings, token: str, url: str) -> tuple[float, int]:
    """(median ms, items) of GET `url` from `lianfang serve` over one keep-alive connection."""
    env = {
        "LIANFANG_DATABASE_URL": settings.database_url,
        "LIANFANG_ENVIRONMENT": "production",
        "LIANFANG_EMBEDDED_WORKER": "false",
        "LIANFANG_ACCESS_LOG": "false",
        "LIANFANG_TRACING_EDITION": settings.tracing_edition,
        "LIANFANG_SECRET_KEY": settings.secret_key,
        "LIANFANG_DATA_KEY": settings.data_key,
        "LIANFANG_LOOKUP_KEY": settings.lookup_key,
    }
    port = free_port()
    server = start(["-m", "lianfang", "serve", "--port", str(port)], env, port)
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}"}

    def get() -> bytes:
        connection.request("GET", url, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 200, body
        return body

    try:
        items = len(orjson.loads(get())["items"])
        return median_ms(get, runs=25, warmup=5), items
    finally:
        connection.close()
        server.terminate()
        server.wait(10)


def duck_ms(cursor: Any, visits: Visits) -> tuple[float, int, float]:
    """(median ms of the hash join, rows, load seconds): the same scans in DuckDB."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "scans.csv"
        t0 = time.perf_counter()
        query = "COPY (SELECT venue_id, person_id, scanned_at, stay_until FROM scans) TO STDOUT (FORMAT csv)"
        with csv.open("wb") as out, cursor.copy(query) as copy:
            for chunk in copy:
                out.write(chunk)
        duck = duckdb.connect()
        duck.execute(DUCK_LOAD, [str(csv)])
        load_s = time.perf_counter() - t0
    duck.execute("CREATE TABLE visits (venue_id INTEGER, a TIMESTAMPTZ, b TIMESTAMPTZ)")
    rows = [(v, a.timestamp(), b.timestamp()) for v, a, b in visits]
    duck.executemany("INSERT INTO visits VALUES (?, to_timestamp(?), to_timestamp(?))", rows)
    found = len(duck.execute(DUCK_JOIN).fetchall())
    return median_ms(lambda: duck.execute(DUCK_JOIN).fetchall(), runs=9), found, load_s


def one_day(runtime: Runtime, persons: int, n: int) -> tuple[float, list[float], int, int]:
    """n new cases (people who scanned yesterday), each opened and proposed with its secondary contacts
    in its own transaction: (seconds, per-case seconds, contacts stored, of which secondary)."""
    with transaction(runtime.factory) as session:
        day = local_date(utcnow()) - timedelta(days=1)
        chosen = list(
            session.scalars(
                text(NEW_CASES),
                {"d": day, "p": persons, "n": n},
            )
        )
    per_case, stored, secondary = [], 0, 0
    t0 = time.perf_counter()
    for person in chosen:
        c0 = time.perf_counter()
        with transaction(runtime.factory) as session:
            ctx = runtime.ctx(session)
            made = service.open_case(ctx, service.CaseInput(person, onset_at=ctx.now - timedelta(hours=20)))
            result = contacts.propose(ctx, made.id)
            stored, secondary = stored + result.proposed, secondary + result.secondary
        per_case.append(time.perf_counter() - c0)
    return time.perf_counter() - t0, per_case, stored, secondary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=10_000_000)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    args = parser.parse_args()
    kept = reused(args.scans) if args.reuse else None
    if kept is None:
        print(f"building {args.scans:,} scans ...", flush=True)
    settings, case_person, persons, token, visits = kept or build(args.scans)
    # Only the tracing module's subscriptions: the timings are of tracing, not of what other modules do
    # on its events (control proposes quarantine orders on CaseOpened, for instance).
    runtime = Runtime(settings=settings, factory=make_session_factory(make_engine(settings)), bus=EventBus())
    tracing_tasks.register(runtime)
    report = Report(f"Tracing: venue contacts of a case with 20 visits, {args.scans:,} scans on PostgreSQL")
    case_id = the_case(runtime, case_person, visits[0][1] + timedelta(days=2))
    url = f"/api/tracing/cases/{case_id}/proposals"
    with TestClient(create_app(settings, runtime)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        first = client.get(url)
        assert first.status_code == 200, first.text
        in_process = median_ms(lambda: client.get(url), runs=25)
    api, items = http_ms(settings, token, url)
    assert items == len(first.json()["items"])

    sql, params = bare_statement(visits)
    raw = runtime.factory.kw["bind"].raw_connection()
    cursor = raw.cursor()
    bare = median_ms(lambda: cursor.execute(sql, params).fetchall(), runs=25)
    rows = len(cursor.execute(sql, params).fetchall())
    duck, duck_rows, load_s = duck_ms(cursor, visits)
    raw.close()
    day_s, per_case, stored, secondary = one_day(runtime, persons, args.cases)

    report.add("bare indexed SQL, 20 visits (baseline)", bare, "ms")
    report.add("API /proposals over HTTP (rules, names, JSON, audit)", api, "ms", bare)
    report.add("  the same through TestClient, in process", in_process, "ms", bare)
    report.add("DuckDB hash join of the same scans", duck, "ms", api)
    report.note("rows: SQL / DuckDB / proposals", f"{rows} / {duck_rows} / {len(first.json()['items'])}")
    report.note("DuckDB load (COPY out + read_csv)", f"{load_s:.1f} s")
    report.add(f"{len(per_case)} cases in one day, with secondary contacts", day_s, "s")
    report.note("median per case", f"{statistics.median(per_case) * 1000:.0f} ms")
    report.note("contacts stored (of which secondary)", f"{stored:,} ({secondary:,})")
    report.print()


if __name__ == "__main__":
    main()
