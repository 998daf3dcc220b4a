"""Uploading the results of many tubes through the API, resolving positives and raising controls.

Run: `.venv/bin/python -m bench.testing_results [--tubes N] [--members M] [--quick]` (PostgreSQL at
127.0.0.1:5432; database lianfang_bench_testing_results is dropped and recreated).

1. builds a world (bench.testing_world): 200,000 persons in 20 communities, a site, a lab, a round;
2. generates in SQL N tubes (default 2,000,000) already received by the lab: 9 in 10 pooled with M
   members each (default 3; the issue's 10-in-1 is `--members 10`, a 4x longer set-up), 1 in 10 single
   tubes (rechecks); ~1 in 3,000 pooled tubes positive (about the Wuhan 2020 screening's prevalence per
   10-person tube) and 1 in 20,000 single tubes positive;
3. baseline: COPY of the same (barcode, result) rows into a temporary table, the database's floor;
4. measured: the lab uploads the results as CSV files of 200,000 rows (core.tabular's limit) through
   POST /api/testing/results (in-process ASGI client, each upload its own transaction): parse,
   classify, one UPDATE per file, temporary controls for the members of every positive pool, a recall
   assignment per community concerned, ResultPositive for single positives; then it checks the counts.
"""

from __future__ import annotations

import sys
import time

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bench.common import Report, peak_rss_mb
from bench.testing_world import build, vacuum
from lianfang.app import create_app

FILE_ROWS = 200_000


def _arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _positive(i: int) -> bool:
    return (i % 10 != 0 and i % 3000 == 7) or (i % 10 == 0 and i % 20_000 == 0)


def setup(
    url: str, world_round: int, site: int, path: str, lab: int, first: int, people: int, n: int, m: int
) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO testing_tubes (id, barcode, kind, mode, capacity, sample_count, round_id,"
                " site_id, jurisdiction_path, status, facility, opened_at, closed_at, lab_id)"
                " SELECT i, 'R' || lpad(i::text, 9, '0'),"
                " CASE WHEN i % 10 = 0 THEN 'single' ELSE 'pooled' END,"
                " CASE WHEN i % 10 = 0 THEN 'single' ELSE 'pool10' END,"
                " CASE WHEN i % 10 = 0 THEN 1 ELSE 10 END, CASE WHEN i % 10 = 0 THEN 1 ELSE :m END,"
                " :round, :site, :path, 'received', '', now() - interval '6 hours',"
                " now() - interval '5 hours', :lab FROM generate_series(1, :n) AS i"
            ),
            {"round": world_round, "site": site, "path": path, "lab": lab, "n": n, "m": m},
        )
        conn.execute(text("SELECT setval('testing_tubes_id_seq', :n)"), {"n": n})
        # A bulk load: build the samples' secondary indexes once afterwards, not row by row.
        indexes = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'testing_samples'"
                " AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
            )
        ).all()
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.execute(
            text(
                "INSERT INTO testing_samples (tube_id, person_id, round_id, jurisdiction_path, community_id,"
                " sampled_at) SELECT t, p.id, :round, p.jurisdiction_path, p.community_id,"
                " now() - interval '6 hours'"
                " FROM generate_series(1, :n) AS t CROSS JOIN generate_series(1, :m) AS k"
                " JOIN people p ON p.id = :first + ((t::bigint * :m + k) * 7919) % :people"
                " WHERE k = 1 OR t % 10 <> 0"
            ),
            {"round": world_round, "n": n, "m": m, "first": first, "people": people},
        )
        for _, definition in indexes:
            conn.execute(text(definition))
    engine.dispose()


def files(n: int) -> list[bytes]:
    out = []
    for start in range(1, n + 1, FILE_ROWS):
        lines = ["barcode,result,reported_at"]
        lines += [
            f"R{i:09d},{'阳性' if _positive(i) else '阴性'},2026-01-01T00:00:00+08:00"
            for i in range(start, min(n, start + FILE_ROWS - 1) + 1)
        ]
        out.append(("\n".join(lines) + "\n").encode())
    return out


def baseline(url: str, bodies: list[bytes]) -> float:
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE floor (barcode varchar(40), result varchar(12), at text)"))
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            for body in bodies:
                with cursor.copy("COPY floor FROM STDIN (FORMAT csv, HEADER true)") as copy:
                    copy.write(body)
        conn.execute(text("ANALYZE floor"))
    engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    quick = "--quick" in sys.argv
    n = _arg("--tubes", 200_000 if quick else 2_000_000)
    m = _arg("--members", 3)
    world = build("lianfang_bench_testing_results", n_people=200_000)
    url = world.settings.database_url
    started = time.perf_counter()
    setup(
        url,
        world.round_id,
        world.site_id,
        world.site_path,
        world.lab_id,
        world.first_person,
        world.n_people,
        n,
        m,
    )
    vacuum(world.settings)
    setup_s = time.perf_counter() - started
    bodies = files(n)
    floor = baseline(url, bodies)
    app = create_app(world.settings.model_copy(update={"embedded_worker": False}))
    reports = []
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {world.token}"
        start = time.perf_counter()
        for i, body in enumerate(bodies):
            sent = client.post("/api/testing/results", files={"file": (f"r{i}.csv", body, "text/csv")})
            assert sent.status_code == 200, sent.text[:500]
            reports.append(sent.json())
        elapsed = time.perf_counter() - start
        print(f"upload: {elapsed:.1f} s", flush=True)
        again = client.post("/api/testing/results", files={"file": ("r0.csv", bodies[0], "text/csv")}).json()
    engine = create_engine(url)
    with engine.connect() as conn:
        resulted = conn.execute(text("SELECT count(*) FROM testing_results")).scalar_one()
        controls = conn.execute(text("SELECT count(*) FROM testing_controls")).scalar_one()
        recalls = conn.execute(
            text("SELECT count(*) FROM assignments WHERE kind = 'testing.recall'")
        ).scalar_one()
        samples = conn.execute(text("SELECT count(*) FROM testing_samples")).scalar_one()
    engine.dispose()
    pools = sum(1 for i in range(1, n + 1) if _positive(i) and i % 10 != 0)
    singles = sum(1 for i in range(1, n + 1) if _positive(i) and i % 10 == 0)
    report = Report(f"Lab results: {n:,} tubes ({samples:,} samples) uploaded through the API on PostgreSQL")
    report.add("baseline: COPY the same rows into a temp table", floor, "s")
    report.add(f"upload {len(bodies)} CSV files, resolve, raise controls", elapsed, "s", floor)
    report.add("  tubes per second", n / elapsed, "tubes/s")
    report.note("tubes with a result", f"{resulted:,} of {n:,}")
    report.note("positive pools / single positives", f"{pools} / {singles}")
    report.note(
        "temporary controls raised (members of positive pools)", f"{controls:,} (expected {pools * m:,})"
    )
    report.note("recall assignments issued", f"{recalls:,}")
    report.note("re-upload of file 1", f"created {again['created']}, unchanged {again['unchanged']:,}")
    report.note("set-up (tubes and samples generated in SQL, VACUUM)", f"{setup_s:.0f} s (not measured)")
    report.add("peak resident memory (this process)", peak_rss_mb(), "MB")
    report.print()


if __name__ == "__main__":
    main()
