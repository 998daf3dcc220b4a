"""Tube registration through the API against a bare ASGI endpoint, both served by uvicorn, loaded by wrk.

Run: `.venv/bin/python -m bench.testing_tubes [--quick]` (needs `wrk`; PostgreSQL at 127.0.0.1:5432;
database lianfang_bench_testing_tubes is dropped and recreated). About 3 minutes.

1. builds a world (bench.testing_world): 20,000 persons, a site, a lab account with an API token, a round;
   opens 100,000 tubes (10-in-1) at the site in SQL;
2. starts the bare endpoint (bench.checkins_bare: parses the JSON body, answers a small document) and
   the app as `python -m lianfang serve` runs it (one process, PostgreSQL, synchronous commit);
3. loads each with wrk (1 thread, 64 connections), three ways a sampling device can post:
   - per person: POST /api/testing/tubes/{barcode}/samples with one person (each scan its own request;
     64 tubes filled at once, 10 scans each);
   - per tube: the same route with the tube's 10 persons in one request (the device posts a tube when
     its last swab is in);
   - batch: POST /api/testing/samples/batch with 50 tubes of 10 persons (500 samples) per request, a
     team's device uploading what it scanned;
   every request authenticates the token (cached 15 s), checks its codes, and is handed to the
   group-commit writer, which for the requests of a whole batch locks the tubes, resolves the persons,
   checks the zone pooling mode, capacity and duplicates, inserts the samples with an audit row per
   request and commits before any of them is answered;
4. checks that the samples table holds every acknowledged sample. `--quick`: one round of 5 s.
"""

from __future__ import annotations

import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.checkins_world import free_port, rss_mb, start
from bench.common import Report, wrk
from bench.testing_world import World, build, vacuum

TUBES, PEOPLE, PER_BATCH = 200_000, 20_000, 50
LUA = """
local n = 0
local base = %(base)d
local token = "%(token)s"
local per_tube = %(per_tube)s
local batch = %(batch)s
request = function()
  local body
  local tube
  if batch then
    local entries = {}
    for t = 0, %(per_batch)d - 1 do
      local i = n * %(per_batch)d + t
      local people = {}
      for k = 0, 9 do people[#people + 1] = '"p' .. ((i * 10 + k) %% %(people)d) .. '"' end
      entries[#entries + 1] = string.format('{"barcode":"B%%09d","people":[', base + i)
        .. table.concat(people, ",") .. ']}'
    end
    n = n + 1
    return wrk.format("POST", "/api/testing/samples/batch", {["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. token}, '{"tubes":[' .. table.concat(entries, ",") .. ']}')
  elseif per_tube then
    tube = base + n
    local people = {}
    for k = 0, 9 do people[#people + 1] = '"p' .. ((n * 10 + k) %% %(people)d) .. '"' end
    body = '{"people":[' .. table.concat(people, ",") .. ']}'
  else
    tube = base + (n %% 64) + 64 * math.floor(n / 640)
    body = '{"people":["p' .. (math.floor(n / 64) %% %(people)d) .. '"]}'
  end
  n = n + 1
  local path = string.format("/api/testing/tubes/B%%09d/samples", tube)
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token}, body)
end
"""


class Scripts:
    """wrk scripts over disjoint ranges of the opened tubes, so that no run refills another's tubes."""

    def __init__(self, world: World, directory: Path) -> None:
        self.world, self.directory, self.next_base = world, directory, 1

    def make(self, per_tube: bool, tubes: int, batch: bool = False) -> Path:
        path = self.directory / f"tubes-{secrets.token_hex(4)}.lua"
        values = {"base": self.next_base, "token": self.world.token, "people": PEOPLE, "per_batch": PER_BATCH}
        flags = {"per_tube": "true" if per_tube else "false", "batch": "true" if batch else "false"}
        path.write_text(LUA % {**values, **flags})
        self.next_base += tubes
        if self.next_base > TUBES:
            raise SystemExit("not enough opened tubes for this many rounds")
        return path


BATCH_CONNECTIONS = 8  # devices uploading at once, each 500 samples a request


def wrk_batch(port: int, script: Path, seconds: int) -> dict[str, float]:
    """`bench.common.wrk` with fewer connections and a timeout that a 500-sample request fits in."""
    return wrk(port, script, seconds, BATCH_CONNECTIONS, timeout="30s", slack=90)


def open_tubes(world: World) -> None:
    engine = create_engine(world.settings.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO testing_tubes (barcode, kind, mode, capacity, sample_count, round_id, site_id,"
                " jurisdiction_path, status, facility, opened_at)"
                " SELECT 'B' || lpad(i::text, 9, '0'), 'pooled', 'pool10', 10, 0, :round, :site, :path,"
                " 'open', '', now() FROM generate_series(1, :n) AS i"
            ),
            {"round": world.round_id, "site": world.site_id, "path": world.site_path, "n": TUBES},
        )
    engine.dispose()


def report_of(
    runs: dict[str, list[dict[str, float]]], rounds: int, seconds: int, peak: float, stored: int
) -> Report:
    med = {k: statistics.median(r["rps"] for r in v) for k, v in runs.items()}
    acknowledged = (
        sum(r["total"] - r["errors"] for r in runs["person"])
        + 10 * sum(r["total"] - r["errors"] for r in runs["tube"])
        + 10 * PER_BATCH * sum(r["total"] - r["errors"] for r in runs["batch"])
    )
    report = Report(
        f"Tube registration API vs bare ASGI endpoint (uvicorn, wrk -t1 -c64, {rounds}x{seconds}s)"
    )
    report.add("bare ASGI endpoint (parse JSON)", med["bare"], "req/s")
    report.add("per person: POST .../samples, 1 person", med["person"], "req/s", med["bare"])
    report.add("  samples per second [per person]", med["person"], "samples/s")
    report.add("  p99 latency [per person]", statistics.median(r["p99"] for r in runs["person"]), "ms")
    report.add("per tube: POST .../samples, 10 persons", med["tube"], "req/s", med["bare"])
    report.add("  samples per second [per tube]", 10 * med["tube"], "samples/s")
    report.add("  p99 latency [per tube]", statistics.median(r["p99"] for r in runs["tube"]), "ms")
    label = f"batch: POST .../samples/batch, {PER_BATCH} tubes (-c{BATCH_CONNECTIONS})"
    report.add(label, med["batch"], "req/s", med["bare"])
    report.add("  samples per second [batch]", 10 * PER_BATCH * med["batch"], "samples/s")
    report.add("  p99 latency [batch]", statistics.median(r["p99"] for r in runs["batch"]), "ms")
    bare = med["bare"]
    report.note(
        "samples/s per bare req/s [person, tube, batch]",
        ", ".join(
            f"{x / bare:.2f}" for x in (med["person"], 10 * med["tube"], 10 * PER_BATCH * med["batch"])
        ),
    )
    kinds = ("person", "tube", "batch")
    report.add("non-2xx responses", sum(r["errors"] for k in kinds for r in runs[k]), "")
    report.add("server peak resident memory", peak, "MB")
    report.note("samples stored (warm-up included)", f"{stored:,} >= {acknowledged:,.0f} acknowledged")
    for name, values in runs.items():
        report.note(f"rounds [{name}] (req/s)", ", ".join(f"{r['rps']:,.0f}" for r in values))
    return report


def drop(world: World) -> None:
    """Drop the benchmark's database (it is rebuilt on every run)."""
    base, name = world.settings.database_url.rsplit("/", 1)
    admin = create_engine(f"{base}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    rounds = 1 if "--quick" in sys.argv else 3
    seconds = 5 if "--quick" in sys.argv else 10
    world = build("lianfang_bench_testing_tubes", n_people=PEOPLE, n_communities=4)
    open_tubes(world)
    vacuum(world.settings)
    bare_port, app_port = free_port(), free_port()
    bare = start(
        ["-m", "uvicorn", "bench.checkins_bare:app", "--port", str(bare_port), "--log-level", "warning"],
        {},
        bare_port,
    )
    app = start(["-m", "lianfang", "serve", "--port", str(app_port)], world.env, app_port)
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "person": [], "tube": [], "batch": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scripts = Scripts(world, Path(tmp))
            wrk(app_port, scripts.make(True, 3_000), 2)  # warm-up
            wrk(bare_port, scripts.make(True, 0), 2)
            for _ in range(rounds):
                runs["bare"].append(wrk(bare_port, scripts.make(True, 0), seconds))
                runs["person"].append(wrk(app_port, scripts.make(False, 300 * seconds), seconds))
                runs["tube"].append(wrk(app_port, scripts.make(True, 1_500 * seconds), seconds))
                runs["batch"].append(wrk_batch(app_port, scripts.make(False, 3_000 * seconds, True), seconds))
        peak = rss_mb(app.pid)[1]
    finally:
        for proc in (bare, app):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    engine = create_engine(world.settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM testing_samples")).scalar_one()
    engine.dispose()
    report_of(runs, rounds, seconds, peak, stored).print()
    drop(world)


if __name__ == "__main__":
    main()
