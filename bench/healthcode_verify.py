"""Online verification of health-code QR tokens against a bare ASGI GET endpoint, both served by the same
uvicorn process in the same run, loaded by wrk over loopback.

Run: `.venv/bin/python -m bench.healthcode_verify` (needs `wrk`: `apt-get install wrk`). About 50 s;
`--quick`: one round of 2 s per endpoint (about 20 s). No PostgreSQL needed: the verify path reads no
database per request, so the world is a throwaway SQLite file.

1. builds a world in a temporary directory: migrations, the city root, one `checkpoint` account with an
   API token, the signing key (`healthcodes.keys.ensure_current`), and 20,000 distinct valid tokens of
   every colour, some with pop-ups (signed before the clock starts; they live 120 s, longer than the run);
2. starts one server: `uvicorn bench.healthcode_verify:serve --factory` with uvicorn's defaults, as
   `lianfang serve` runs the app (embedded worker on). `serve` is the real app (`create_app()`) behind
   two bare ASGI endpoints that answer before the app sees the request: `GET /bare` (a constant 11-byte
   JSON body: the baseline) and `POST /bare` (reads the body, answers as many bytes as a verification:
   what HTTP alone costs for a request shaped like a verification);
3. loads each endpoint with wrk (1 thread, 64 connections), in alternating rounds. Every request is built
   by the same Lua function with the same headers (bearer token, content type), the POSTs with the same
   bodies (the tokens in turn; the server keeps no per-token cache, so a repeat costs what a new one
   does), so the client's work is the same for every endpoint. Medians of the rounds are reported, with
   the ratio to the bare GET (target >= 0.60);
4. checks a sample of answers before and after the load: every token verifies (`"valid": true`).
"""

from __future__ import annotations

import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.checkins_world import free_port, rss_mb, start
from bench.common import Report, wrk

CONNECTIONS, SECONDS, ROUNDS, WARMUP = 64, 4, 3, 1
N_TOKENS = 20_000
PATH = "/api/healthcodes/verify"
BARE_BODY = b'{"ok":true}'
BARE_POST_BODY = b'{"ok":true,"pad":"' + b"x" * 440 + b'"}'  # a valid verification answers ~470 bytes
LUA = """
local tokens = {}
for line in io.lines("%(path)s") do tokens[#tokens + 1] = line end
local n = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(bearer)s"}
request = function()
  n = n %% #tokens + 1
  if "%(method)s" == "GET" then return wrk.format("GET", "%(route)s", headers) end
  return wrk.format("POST", "%(route)s", headers, '{"token":"' .. tokens[n] .. '"}')
end
"""
TARGETS = {"bare GET": ("GET", "/bare"), "bare POST": ("POST", "/bare"), "verify": ("POST", PATH)}

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _start(body: bytes) -> Message:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": 200, "headers": headers}


def serve() -> Callable[[Message, Receive, Send], Awaitable[None]]:
    """The app as `lianfang serve` builds it, behind the bare `GET /bare` and `POST /bare` (uvicorn
    --factory)."""
    from lianfang.app import create_app

    inner = create_app()
    get_head, post_head = _start(BARE_BODY), _start(BARE_POST_BODY)

    async def app(scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/bare":
            if scope["method"] == "GET":
                await send(get_head)
                await send({"type": "http.response.body", "body": BARE_BODY})
                return
            while (await receive()).get("more_body"):
                pass
            await send(post_head)
            await send({"type": "http.response.body", "body": BARE_POST_BODY})
            return
        await inner(scope, receive, send)  # type: ignore[arg-type]

    return app


@dataclass
class World:
    env: dict[str, str]
    bearer: str
    tokens: list[str]


def build(directory: Path) -> World:
    from lianfang.accounts import service as accounts_service
    from lianfang.config import Settings
    from lianfang.core.access import SYSTEM
    from lianfang.core.clock import utcnow
    from lianfang.core.context import Ctx
    from lianfang.core.crypto import new_fernet_key, new_secret
    from lianfang.core.db import make_engine, make_session_factory, transaction
    from lianfang.core.events import EventBus
    from lianfang.core.migrate import upgrade
    from lianfang.healthcodes.qr import rules as tokens
    from lianfang.healthcodes.qr import service as keys
    from lianfang.jurisdictions import service as jurisdictions_service

    keys_ = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    url = f"sqlite:///{directory / 'bench.db'}"
    settings = Settings(database_url=url, environment="production", _env_file=None, **keys_)  # type: ignore[call-arg]
    env = {f"LIANFANG_{k.upper()}": v for k, v in keys_.items()}
    env |= {"LIANFANG_DATABASE_URL": url, "LIANFANG_ENVIRONMENT": "production"}
    engine = make_engine(settings)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        now = utcnow()
        ctx = Ctx(
            session=session, actor=SYSTEM, settings=settings, now=now - timedelta(minutes=1), bus=EventBus()
        )
        city = jurisdictions_service.create_jurisdiction(
            ctx, jurisdictions_service.JurisdictionInput("110000", "北京市", "city")
        )
        user = accounts_service.create_user(
            ctx, "checkpoint1", "检查站1", "bench-password-1", "checkpoint", city.id
        )
        bearer = accounts_service.issue_api_token(ctx, user.id, "bench checkpoint")
        keys.ensure_current(ctx)
        kid, private = keys.current_signer(session, settings, now)
        colours, popups = ("green", "green", "green", "yellow", "red"), ((), (), ("1",), ("3", "4"))
        ttl = settings.healthcode_token_ttl_seconds
        made = [
            tokens.issue(private, kid, secrets.token_urlsafe(16), colours[i % 5], popups[i % 4], now, ttl)
            for i in range(N_TOKENS)
        ]
    engine.dispose()
    return World(env, bearer, made)


def sample_valid(port: int, world: World, count: int = 25) -> int:
    """How many of `count` tokens (spread over the list) the server says are valid."""
    valid = 0
    for token in world.tokens[:: len(world.tokens) // count][:count]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{PATH}",
            data=json.dumps({"token": token}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {world.bearer}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback, our server
            valid += json.loads(answer.read())["valid"] is True
    return valid


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    rounds, seconds = (1, 2) if "--quick" in sys.argv else (ROUNDS, SECONDS)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lianfang-bench-hc-") as tmp:
        directory = Path(tmp)
        world = build(directory)
        tokens_file = directory / "tokens.txt"
        tokens_file.write_text("\n".join(world.tokens) + "\n", encoding="ascii")
        scripts: dict[str, Path] = {}
        for name, (method, route) in TARGETS.items():
            scripts[name] = directory / f"{name.replace(' ', '_')}.lua"
            values = {"path": tokens_file, "bearer": world.bearer, "route": route, "method": method}
            scripts[name].write_text(LUA % values, encoding="utf-8")
        port = free_port()
        args = ["-m", "uvicorn", "bench.healthcode_verify:serve", "--factory", "--host", "127.0.0.1"]
        proc = start([*args, "--port", str(port), "--log-level", "warning"], world.env, port)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in TARGETS}
        try:
            before = sample_valid(port, world)
            for script in scripts.values():
                wrk(port, script, WARMUP, CONNECTIONS, slack=30)
            for _ in range(rounds):
                for name, script in scripts.items():
                    results[name].append(wrk(port, script, seconds, CONNECTIONS, slack=30))
            after = sample_valid(port, world)
            peak = rss_mb(proc.pid)[1]
        finally:
            proc.terminate()
            proc.wait(10)
    med = {name: statistics.median(r["rps"] for r in runs) for name, runs in results.items()}
    report = Report(
        f"Health-code online verify vs bare ASGI GET, one uvicorn process (wrk -t1 -c{CONNECTIONS}, "
        f"{rounds}x{seconds}s per endpoint, alternating)"
    )
    report.add("bare ASGI GET /bare (baseline)", med["bare GET"], "req/s")
    report.add("bare ASGI POST /bare (same body, ~470 B answer)", med["bare POST"], "req/s", med["bare GET"])
    report.add(f"POST {PATH} (valid tokens)", med["verify"], "req/s", med["bare GET"])
    for name in TARGETS:
        report.add(f"  p99 latency [{name}]", statistics.median(r["p99"] for r in results[name]), "ms")
        report.add(f"  non-2xx responses [{name}]", sum(r["errors"] for r in results[name]), "")
    report.add("  server peak resident memory", peak, "MB")
    ratio = med["verify"] / med["bare GET"]
    report.note(
        "ratio verify / bare GET (target >= 0.60)", f"{ratio:.2f} {'met' if ratio >= 0.60 else 'NOT met'}"
    )
    report.note("ratio verify / bare POST (the app's own work)", f"{med['verify'] / med['bare POST']:.2f}")
    report.note("sampled answers valid (before, after)", f"{before}/25, {after}/25")
    for name, runs in results.items():
        report.note(f"rounds [{name}] (req/s)", ", ".join(f"{r['rps']:,.0f}" for r in runs))
    ratios = [v["rps"] / b["rps"] for b, v in zip(results["bare GET"], results["verify"], strict=True)]
    report.note("per-round ratios verify / bare GET", ", ".join(f"{r:.2f}" for r in ratios))
    report.note("wall time of the benchmark", f"{time.monotonic() - started:.0f} s")
    report.print()


if __name__ == "__main__":
    main()
