"""The single-scan API against a bare ASGI endpoint, both served by uvicorn here, loaded by wrk.

Run: `.venv/bin/python -m bench.scan_api` (needs `wrk`: `apt-get install wrk`; PostgreSQL at
127.0.0.1:5432; database lianfang_bench_scans is dropped and recreated). About 5 minutes.

1. builds a world (bench.checkins_world): 20,000 persons, 4 venues with operators, codes and device
   tokens; today's scans partition;
2. starts the bare endpoint (`uvicorn bench.checkins_bare:app`) and the app as `python -m lianfang
   serve` runs it (one process, embedded worker on, PostgreSQL with synchronous commit), both with
   uvicorn's defaults;
3. loads each with wrk (1 thread, 64 connections, loopback), the same JSON bodies: the bare endpoint
   parses them; the app authenticates the device token, validates, resolves code and person, commits
   the scan (group commit) before answering with the visitor's status. Every request has its own
   idempotency key. Rounds alternate between the servers; the medians are reported;
4. checks that the scans table holds at least every acknowledged request, and reads each server's peak
   resident memory from /proc. `--quick`: one round of 5 s.
"""

from __future__ import annotations

import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from http.client import HTTPConnection
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.checkins_world import World, build, free_port, rss_mb, start
from bench.common import Report, wrk

CONNECTIONS, SECONDS, ROUNDS = 64, 10, 3
LUA = """
local tokens = {%(tokens)s}
local codes = {%(codes)s}
local people = {%(people)s}
local n = 0
local prefix = "%(prefix)s"
request = function()
  n = n + 1
  local v = (n %% #codes) + 1
  local body = '{"code":"' .. codes[v] .. '","person_pseudonym":"' .. people[math.random(#people)] ..
    '","idempotency_key":"b' .. prefix .. '-' .. n .. '"}'
  return wrk.format("POST", "/api/scans", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[v]}, body)
end
"""


def lua_script(world: World, directory: Path) -> Path:
    """A script whose idempotency keys are new in every call (a fresh prefix)."""
    quote = lambda values: ",".join(f'"{v}"' for v in values)  # noqa: E731
    path = directory / f"scan-{secrets.token_hex(4)}.lua"
    path.write_text(
        LUA
        % {
            "prefix": secrets.token_hex(6),
            "tokens": quote(world.tokens),
            "codes": quote(world.code_tokens),
            "people": quote(world.pseudonyms[:5000]),
        }
    )
    return path


def door_answer(port: int, world: World) -> str:
    """The status the app answers for a visitor with a stored code (the world's person ids % 10 == 0)."""
    i = next(n for n, pid in enumerate(world.person_ids) if pid % 20 == 0 and pid > 100)
    body = {"code": world.code_tokens[0], "person_pseudonym": world.pseudonyms[i]}
    body["idempotency_key"] = "door-" + secrets.token_hex(4)
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {world.tokens[0]}"}
    conn.request("POST", "/api/scans", json.dumps(body), headers)
    status = json.loads(conn.getresponse().read())["status"]
    conn.close()
    return f"{status['colour']} (alert {status['alert']}), expected red (alert True)"


TARGETS = {
    "app": ["-m", "lianfang", "serve", "--port", "{port}"],
}


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    rounds = 1 if "--quick" in sys.argv else ROUNDS
    seconds = 5 if "--quick" in sys.argv else SECONDS
    world = build("lianfang_bench_scans", n_persons=20_000, n_venues=4)
    servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    port = free_port()
    servers["bare"] = (
        port,
        start(
            ["-m", "uvicorn", "bench.checkins_bare:app", "--port", str(port), "--log-level", "warning"],
            {},
            port,
        ),
    )
    for name, args in TARGETS.items():
        port = free_port()
        # The bare endpoint runs with --log-level warning, so without uvicorn's access log; so does the app.
        env = world.env | {"LIANFANG_ACCESS_LOG": "false"}
        servers[name] = (port, start([a.replace("{port}", str(port)) for a in args], env, port))
    results: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    peaks: dict[str, float] = {}
    door = ""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for port, _ in servers.values():
                wrk(port, lua_script(world, Path(tmp)), 3)  # warm-up
            for _ in range(rounds):
                for name, (port, _) in servers.items():
                    results[name].append(wrk(port, lua_script(world, Path(tmp)), seconds))
        peaks = {name: rss_mb(proc.pid)[1] for name, (_, proc) in servers.items()}
        door = door_answer(servers["app"][0], world)
    finally:
        for _, proc in servers.values():
            proc.terminate()
            proc.wait(10)
    engine = create_engine(world.settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM scans")).scalar_one()
    engine.dispose()
    acknowledged = sum(r["total"] - r["errors"] for name in TARGETS for r in results[name]) + 1
    med = {k: statistics.median(r["rps"] for r in v) for k, v in results.items()}
    report = Report(
        f"Single-scan API vs bare ASGI endpoint (uvicorn, wrk -t1 -c{CONNECTIONS}, {rounds}x{seconds}s)"
    )
    report.add("bare ASGI endpoint (parse JSON)", med["bare"], "req/s")
    for name in TARGETS:
        report.add(f"POST /api/scans [{name}]", med[name], "req/s", med["bare"])
        report.add(f"  p99 latency [{name}]", statistics.median(r["p99"] for r in results[name]), "ms")
        report.add(f"  non-2xx responses [{name}]", sum(r["errors"] for r in results[name]), "")
        report.add(f"  server peak resident memory [{name}]", peaks[name], "MB")
    report.note(
        "acknowledged scans stored",
        f"{stored:,} stored >= {acknowledged:,.0f} acknowledged: {stored >= acknowledged}",
    )
    report.note("a stored red code at the door", door)
    for name, runs in results.items():
        report.note(f"rounds [{name}] (req/s)", ", ".join(f"{r['rps']:,.0f}" for r in runs))
    report.print()


if __name__ == "__main__":
    main()
