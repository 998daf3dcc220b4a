"""Nothing acknowledged is lost: the real server (`python -m lianfang serve`, on its own database) takes
concurrent scans, is killed with SIGKILL right after the last answer, is started again, and every scan
it acknowledged is there. On PostgreSQL (LIANFANG_TEST_DATABASE_URL) this runs the event-loop writer."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

from lianfang.accounts import service as accounts_service
from lianfang.checkins.codes import service as codes
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.venues import service as venues_service
from tests.conftest import TEST_KEYS, _recreate_postgres_database
from tests.factories.checkins import operator_actor
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number

SCANS = 240


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(tmp_path: Path) -> str:
    url = os.environ.get("LIANFANG_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        url = url + "_kill"
        _recreate_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path / 'kill.db'}"


def _world(url: str) -> tuple[str, str, int, list[str]]:
    settings = Settings(database_url=url, _env_file=None, **TEST_KEYS)  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        city = make_city(ctx)
        community = city["110105001001"]
        venue = venues_service.create_venue(
            ctx, venues_service.VenueInput("物美超市", "supermarket", community.id)
        )
        user = accounts_service.create_user(
            ctx, "gate1", "闸机", "gate-password-1", "venue_operator", community.id
        )
        venues_service.assign_operator(ctx, venue.id, user.id)
        number = valid_id_number()
        make_person(ctx, community, name="登记员", id_number=number)
        as_operator = ctx.as_actor(operator_actor(user, community))
        codes.declare_registrar(as_operator, number)
        code = codes.create_code(as_operator, venue.id, "东门")
        people = [make_person(ctx, community, name=f"访客{i}").pseudonym for i in range(20)]
        token = accounts_service.issue_api_token(ctx, user.id, "gate")
        result = (token, code.token, venue.id, people)
    engine.dispose()
    return result


def _serve(url: str, port: int, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LIANFANG_DATABASE_URL": url, "LIANFANG_EMBEDDED_WORKER": "false"}
    env |= {f"LIANFANG_{k.upper()}": v for k, v in TEST_KEYS.items()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lianfang", "serve", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the server did not start")


def _request(port: int, method: str, path: str, token: str, body: object = None) -> tuple[int, dict]:
    conn = HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_every_acknowledged_scan_survives_a_kill(tmp_path):
    url = _database(tmp_path)
    token, code, venue_id, people = _world(url)
    port = _port()
    server = _serve(url, port, tmp_path)
    acknowledged: list[int] = []
    try:

        def scan(i: int) -> tuple[int, dict]:
            body = {"code": code, "person_pseudonym": people[i % len(people)], "idempotency_key": f"kill-{i}"}
            return _request(port, "POST", "/api/scans", token, body)

        with ThreadPoolExecutor(max_workers=16) as pool:
            for status, body in pool.map(scan, range(SCANS)):
                assert status == 201, body
                acknowledged.append(body["scan_id"])
        server.send_signal(signal.SIGKILL)  # right after the last answer: no shutdown, no flush
        server.wait(10)
        server = _serve(url, port, tmp_path)
        stored: list[int] = []
        cursor = None
        while True:
            path = f"/api/venues/{venue_id}/scans?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            status, page = _request(port, "GET", path.replace("+", "%2B"), token)
            assert status == 200, page
            stored += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(acknowledged) == SCANS
        assert set(acknowledged) <= set(stored)
    finally:
        server.kill()
        server.wait(10)
