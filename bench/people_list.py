"""Registry lists with 1,000,000 people in one district, through the real app.

Run: `.venv/bin/python -m bench.people_list` (PostgreSQL; URL from LIANFANG_BENCH_DATABASE_URL, default
database lianfang_bench_people, which is dropped and recreated). About 2-4 minutes.

What it does:
1. builds the schema with the migrations, a district (20 streets × 15 communities) through the
   jurisdictions service, and a district-command and a community-worker account through accounts;
2. bulk-loads 1,000,000 persons spread at random over the 300 communities with psycopg COPY. Names follow
   a skewed surname distribution; resident ID numbers are valid (region, birth date, check character);
   `id_hash` and `phone_hash` are the real keyed hashes (HMAC-SHA256 with the run's lookup key, exactly
   `people.identity`), so searches by number and phone find what they should. `id_sealed` and
   `phone_sealed` are ONE placeholder Fernet token shared by every bulk row: sealing a million values
   costs ~1 min and no list reads them (only reveal does, which is not measured here);
3. times each request (median of N) through `TestClient(create_app(settings))` with a bearer token, next
   to a baseline measured in the same run: the bare indexed SQL for the same page on the same engine.
   The ratio is the app's overhead (auth, session, ORM, JSON/HTML) over the query itself.
"""

from __future__ import annotations

import hmac
import random
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.common import Report, fresh_postgres, median_ms
from lianfang.accounts import service as accounts_service
from lianfang.app import create_app
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret, vault
from lianfang.core.db import make_engine
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.jurisdictions import service as jurisdictions_service
from lianfang.jurisdictions.models import Jurisdiction

N_PEOPLE = 1_000_000
STREETS, COMMUNITIES_PER_STREET = 20, 15
RUNS = 15
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a throwaway database)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰芳娜敏静丽艳娟霞秀玲桂英梅琳雪婷颖慧佳欣悦涵怡雨萱"
)
WEIGHTS = (0, 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
COPY_COLUMNS = (
    "pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality, birth_date, sex, "
    "phone_hash, phone_sealed, phone_masked, community_id, jurisdiction_path, household_id, address, "
    "created_at, updated_at"
)


def build_tree(engine: Engine, settings: Settings) -> tuple[Jurisdiction, list[Jurisdiction]]:
    with Session(engine, expire_on_commit=False) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())

        def make(code: str, name: str, level: str, parent: str = "") -> Jurisdiction:
            data = jurisdictions_service.JurisdictionInput(code, name, level, parent)
            return jurisdictions_service.create_jurisdiction(ctx, data)

        make("110000", "北京市", "city")
        district = make("110105", "朝阳区", "district", "110000")
        communities = []
        for s in range(1, STREETS + 1):
            street = make(f"110105{s:03d}", f"街道{s}", "street", "110105")
            for c in range(1, COMMUNITIES_PER_STREET + 1):
                communities.append(make(f"{street.code}{c:03d}", f"社区{s}-{c}", "community", street.code))
        create_user = accounts_service.create_user
        create_user(ctx, "district.bench", "区指挥部", PASSWORD, "district_command", district.id)
        create_user(ctx, "worker.bench", "社区工作人员", PASSWORD, "community_worker", communities[0].id)
        session.commit()
        return district, communities


def id_numbers(n: int) -> list[str]:
    """Valid, unique resident ID numbers: region 110105, one of ~29,000 birth dates, sequence."""
    index = np.arange(n)
    days = index % 29_000
    seq = index // 29_000
    born = [date(1940, 1, 1) + timedelta(days=int(d)) for d in range(29_000)]
    born_text = np.array([b.strftime("%Y%m%d") for b in born])
    first17 = np.char.add(np.char.add("110105", born_text[days]), np.char.zfill(seq.astype(str), 3))
    digits = np.frombuffer("".join(first17.tolist()).encode(), dtype=np.uint8).reshape(n, 17) - 48
    check = np.array(list("10X98765432"))[(digits.astype(np.int64) @ np.array(WEIGHTS[1:])) % 11]
    return np.char.add(first17, check).tolist()  # type: ignore[no-any-return]


def bulk_load(engine: Engine, settings: Settings, communities: list[Jurisdiction]) -> dict[str, Any]:
    """COPY N_PEOPLE rows; returns a few known values to search for."""
    rng = random.Random(20200611)
    key = settings.lookup_key.encode()
    placeholder = vault(settings).seal("placeholder")  # see the module docstring
    numbers = id_numbers(N_PEOPLE)
    phones = [f"139{v:08d}" for v in rng.sample(range(100_000_000), N_PEOPLE)]
    surnames = rng.choices(SURNAMES, weights=[1 / (i + 3) for i in range(len(SURNAMES))], k=N_PEOPLE)
    now = datetime.now(UTC).isoformat()
    where = rng.choices(range(len(communities)), k=N_PEOPLE)
    places = [(c.id, c.path) for c in communities]
    started = time.perf_counter()
    with engine.raw_connection() as raw:
        cursor = raw.cursor()
        with cursor.copy(f"COPY people ({COPY_COLUMNS}) FROM STDIN") as copy:
            lines = []
            for i in range(N_PEOPLE):
                number, phone, (community_id, path) = numbers[i], phones[i], places[where[i]]
                id_hash = hmac.digest(key, f"id:resident_id:{number}".encode(), "sha256").hex()
                phone_hash = hmac.digest(key, f"phone:{phone}".encode(), "sha256").hex()
                name = surnames[i] + GIVEN[i % len(GIVEN)] + (GIVEN[(i * 7) % len(GIVEN)] if i % 3 else "")
                born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
                sex = "M" if int(number[16]) % 2 else "F"
                lines.append(
                    f"{secrets.token_urlsafe(16)}\t{name}\tresident_id\t{id_hash}\t{placeholder}\t"
                    f"{number[:2]}**************{number[-2:]}\tCHN\t{born}\t{sex}\t{phone_hash}\t{placeholder}\t"
                    f"{phone[:3]}****{phone[-4:]}\t{community_id}\t{path}\t\\N\t\t{now}\t{now}\n"
                )
                if len(lines) == 50_000:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
        raw.commit()
    print(f"loaded {N_PEOPLE:,} people in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE people"))
    pick = N_PEOPLE // 2
    return {"number": numbers[pick], "phone": phones[pick], "community": communities[where[pick]]}


def upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def bare(engine: Engine, sql: str, **params: object) -> Callable[[], object]:
    def run() -> object:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).fetchall()

    return run


def plan(engine: Engine, sql: str, **params: object) -> str:
    with engine.connect() as conn:
        rows = conn.execute(text("EXPLAIN " + sql), params).scalars().all()
    return " / ".join(str(r).strip() for r in rows if "Scan" in str(r))[:150]


@dataclass(frozen=True)
class Case:
    name: str
    route: str
    query: dict[str, str | int]
    where: str  # the bare SQL's WHERE ... ORDER BY ... LIMIT for the same page
    params: dict[str, object]


def cases_for_district(
    engine: Engine, settings: Settings, known: dict[str, Any], communities: list[Jurisdiction]
) -> list[Case]:
    scope = "jurisdiction_path >= :lo AND jurisdiction_path < :hi"
    page = "ORDER BY id LIMIT 51"
    deep = bare(engine, f"SELECT id FROM people ORDER BY id OFFSET {N_PEOPLE * 9 // 10} LIMIT 1")()
    after = int(deep[0][0])  # type: ignore[index]
    keys = vault(settings)
    id_hash = keys.lookup_hash("id", f"resident_id:{known['number']}")
    phone_hash = keys.lookup_hash("phone", known["phone"])
    community: Jurisdiction = known["community"]
    # What the app sends for a name search: the scope's community paths, so the (path, name) index is
    # descended once per community (paths are digits and slashes: safe to inline).
    paths = ", ".join(f"'{c.path}'" for c in communities)
    by_name = f"{scope} AND jurisdiction_path IN ({paths}) AND name >= :n AND name < :m {page}"
    deep_where = f"{scope} AND id > :a {page}"
    return [
        Case("first page", "/api/people", {}, f"{scope} {page}", {}),
        Case("deep keyset page (90%)", "/api/people", {"after": after}, deep_where, {"a": after}),
        Case(
            "name prefix 张 (a surname)", "/api/people", {"q": "张"}, by_name, {"n": "张", "m": upper("张")}
        ),
        Case("name prefix 王伟", "/api/people", {"q": "王伟"}, by_name, {"n": "王伟", "m": upper("王伟")}),
        Case(
            "name prefix 丁伟伟 (none)",
            "/api/people",
            {"q": "丁伟伟"},
            by_name,
            {"n": "丁伟伟", "m": upper("丁伟伟")},
        ),
        Case(
            "ID number (exact)",
            "/api/people",
            {"id_number": known["number"]},
            f"{scope} AND id_hash = :h {page}",
            {"h": id_hash},
        ),
        Case(
            "phone (exact)",
            "/api/people",
            {"phone": known["phone"]},
            f"{scope} AND phone_hash = :h {page}",
            {"h": phone_hash},
        ),
        Case(
            "one community",
            "/api/people",
            {"community_code": community.code},
            f"jurisdiction_path = :p {page}",
            {"p": community.path},
        ),
        Case("/people HTML page", "/people", {}, f"{scope} {page}", {}),
    ]


def measure(
    engine: Engine, client: TestClient, cases: list[Case], scope_path: str, report: Report
) -> list[str]:
    plans = []
    for case in cases:
        sql = f"SELECT * FROM people WHERE {case.where}"
        params = {"lo": scope_path, "hi": scope_path + "~", **case.params}
        response = client.get(case.route, params=case.query)
        assert response.status_code == 200, response.text
        if case.route == "/api/people" and "(none)" not in case.name:
            assert response.json()["items"], case.name
        baseline = median_ms(bare(engine, sql, **params), RUNS)

        def through_app(case: Case = case) -> object:
            return client.get(case.route, params=case.query)

        app = median_ms(through_app, RUNS)
        report.add(f"{case.name}: bare SQL", baseline, "ms")
        report.add(f"{case.name}: app", app, "ms", baseline)
        plans.append(f"{case.name}: {plan(engine, sql, **params)}")
    return plans


def sign_in(client: TestClient, username: str) -> None:
    token = client.post("/api/auth/token", json={"username": username, "password": PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"


def main() -> None:
    started = time.perf_counter()
    url = fresh_postgres("lianfang_bench_people")
    settings = Settings(
        database_url=url,
        environment="test",
        embedded_worker=False,
        secret_key=new_secret(),
        data_key=new_fernet_key(),
        lookup_key=new_secret(),
        _env_file=None,
    )
    engine = make_engine(settings)
    upgrade(engine)
    district, communities = build_tree(engine, settings)
    known = bulk_load(engine, settings, communities)
    report = Report(f"people lists, {N_PEOPLE:,} people in one district (PostgreSQL, median of {RUNS})")
    with TestClient(create_app(settings)) as client:
        sign_in(client, "district.bench")
        floor = median_ms(lambda: client.get("/api/me"), RUNS)
        report.add("app floor: GET /api/me (sign-in check only)", floor, "ms")
        plans = measure(
            engine, client, cases_for_district(engine, settings, known, communities), district.path, report
        )
        sign_in(client, "worker.bench")
        home = communities[0].path
        one = "jurisdiction_path = :lo"
        worker = [
            Case("community worker: first page", "/api/people", {}, f"{one} ORDER BY id LIMIT 51", {}),
            Case(
                "community worker: name 张",
                "/api/people",
                {"q": "张"},
                f"{one} AND name >= :n AND name < :m ORDER BY id LIMIT 51",
                {"n": "张", "m": upper("张")},
            ),
        ]
        plans += measure(engine, client, worker, home, report)
    report.note("total run time", f"{time.perf_counter() - started:.0f} s")
    report.print()
    print("\nplans of the bare SQL (EXPLAIN, scan nodes):")
    for line in plans:
        print(" ", line)
    engine.dispose()


if __name__ == "__main__":
    main()
