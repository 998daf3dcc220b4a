"""Batch upload of scans against a plain COPY of the same rows, in one run.

Run: `.venv/bin/python -m bench.scan_batch` (PostgreSQL at 127.0.0.1:5432; database
lianfang_bench_batch is dropped and recreated). About a minute.

1. builds a world (bench.checkins_world): 20,000 persons, 4 venues with codes and device tokens;
2. makes a CSV of ROWS scans (code token, idempotency key, time within the last hours, person
   pseudonym), as an offline gate would upload it, and the same scans as the table's own rows
   (scan_date, venue_id, person_id, … as COPY text), both outside the timing;
3. alternates ROUNDS times, for each server: empty the scans table, time `COPY scans (…) FROM STDIN` of
   the table rows (the baseline: no validation, no look-ups, no HTTP); empty it again, time
   `POST /api/scans/batch` of the CSV through the server: HTTP upload, parsing, validation of every
   line, code and person look-ups, the write (COPY into scans) and the per-line JSON report. The server
   is the app as `python -m lianfang serve` runs it;
4. re-sends the batch to each (nothing new is created), reports medians, ratios and peak memory.
"""

from __future__ import annotations

import io
import secrets
import statistics
import time
from datetime import timedelta
from http.client import HTTPConnection

from sqlalchemy import create_engine, text

from bench.checkins_world import build, free_port, rss_mb, start
from bench.common import Report
from lianfang.checkins.rules import scan_date, stay_until
from lianfang.core.clock import utcnow

ROWS, ROUNDS = 100_000, 3
TABLE_COLUMNS = (
    "scan_date, venue_id, person_id, scanned_at, stay_until, checked_out, source, code_id, "
    "idempotency_key, created_at"
)


def payloads(world, venue_index: int = 0) -> tuple[bytes, str]:
    """The upload (CSV) and the same scans as table rows (COPY text)."""
    now = utcnow()
    upload = io.StringIO()
    upload.write("code,idempotency_key,scanned_at,left_at,person_pseudonym,id_number\n")
    table = io.StringIO()
    code = world.code_tokens[venue_index]
    venue_id = world.venue_ids[venue_index]
    run = secrets.token_hex(4)
    for i in range(ROWS):
        at = now - timedelta(seconds=i % 20_000)
        p = i % len(world.pseudonyms)
        key = f"{run}-{i}"
        upload.write(f"{code},{key},{at.isoformat()},,{world.pseudonyms[p]},\n")
        stay = stay_until(at, None, "supermarket")
        table.write(
            f"{scan_date(at)}\t{venue_id}\t{world.person_ids[p]}\t{at.isoformat()}\t{stay.isoformat()}\tf\tbatch\t\\N\t{key}\t{now.isoformat()}\n"
        )
    return upload.getvalue().encode(), table.getvalue()


def copy_rows(url: str, table_text: str) -> float:
    engine = create_engine(url)
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        start_at = time.perf_counter()
        with driver.cursor() as cursor, cursor.copy(f"COPY scans ({TABLE_COLUMNS}) FROM STDIN") as copy:
            copy.write(table_text)
    elapsed = time.perf_counter() - start_at
    engine.dispose()
    return elapsed


def upload(port: int, token: str, body: bytes) -> tuple[float, int]:
    conn = HTTPConnection("127.0.0.1", port, timeout=600)
    start_at = time.perf_counter()
    conn.request(
        "POST",
        "/api/scans/batch",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
    )
    response = conn.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - start_at
    conn.close()
    assert response.status == 200, content[:500]
    created = int(content.split(b'"created":', 1)[1].split(b",", 1)[0])
    return elapsed, created


def empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE scans"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


SERVERS = {
    "app": ["-m", "lianfang", "serve", "--port", "{port}"],
}


def main() -> None:
    world = build("lianfang_bench_batch", n_persons=20_000, n_venues=4)
    url = world.settings.database_url
    body, table_text = payloads(world)
    servers = {}
    for name, args in SERVERS.items():
        port = free_port()
        servers[name] = (port, start([a.replace("{port}", str(port)) for a in args], world.env, port))
    copies: list[float] = []
    uploads: dict[str, list[float]] = {name: [] for name in servers}
    retries: dict[str, float] = {}
    try:
        for _ in range(ROUNDS):
            for name, (port, _proc) in servers.items():
                empty(url)
                copies.append(copy_rows(url, table_text))
                empty(url)
                elapsed, created = upload(port, world.tokens[0], body)
                assert created == ROWS, created
                uploads[name].append(elapsed)
        for name, (port, _proc) in servers.items():
            retries[name], created = upload(port, world.tokens[0], body)  # the same batch again: nothing new
            assert created == 0
        peaks = {name: rss_mb(proc.pid)[1] for name, (_port, proc) in servers.items()}
    finally:
        for _port, proc in servers.values():
            proc.terminate()
            proc.wait(10)
    copy_rate = ROWS / statistics.median(copies)
    report = Report(f"Batch upload vs plain COPY ({ROWS:,} rows, {ROUNDS} rounds, medians)")
    report.add("plain COPY into scans", copy_rate, "rows/s")
    for name, times in uploads.items():
        report.add(
            f"POST /api/scans/batch (CSV, validated) [{name}]",
            ROWS / statistics.median(times),
            "rows/s",
            copy_rate,
        )
        report.add(
            f"  the same batch re-sent (all duplicates) [{name}]", ROWS / retries[name], "rows/s", copy_rate
        )
        report.add(f"  server peak resident memory [{name}]", peaks[name], "MB")
        report.note(f"  rounds upload (s) [{name}]", ", ".join(f"{u:.2f}" for u in times))
    report.note("rounds COPY (s)", ", ".join(f"{c:.2f}" for c in copies))
    report.print()


if __name__ == "__main__":
    main()
