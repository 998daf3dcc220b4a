"""A world for the scan benchmarks: a fresh PostgreSQL database built by the migrations, a district
with one community, venues with operators and codes (through the services), persons bulk-loaded with
COPY (one in ten with a stored health code), an API token for each venue's operator, and today's
partitions. Plus a way to run a server."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from bench.common import fresh_postgres
from lianfang.accounts import service as accounts_service
from lianfang.checkins.codes import service as codes
from lianfang.checkins.partitions.repository import ensure_scan_partitions
from lianfang.checkins.rules import partition_days
from lianfang.config import Settings
from lianfang.core.access import SYSTEM, Actor
from lianfang.core.clock import local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret, vault
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.jurisdictions import service as jurisdictions_service
from lianfang.people.rules import id_check_character, id_hash, mask_id
from lianfang.venues import service as venues_service

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a throwaway database)
# One visitor in ten has a stored health code (yellow or red, some with pop-up ④), valid for a week, as
# after a nightly pass; the others have none (green). The venues' registrars (the first persons) stay
# green, or their codes would be suspended.
STATUSES = """
INSERT INTO health_statuses (person_id, jurisdiction_path, colour, popups, edition, facts,
                             next_change_on, derived_at, changed_at)
SELECT id, jurisdiction_path, CASE WHEN id % 20 = 0 THEN 'red' ELSE 'yellow' END,
       CASE WHEN id % 30 = 0 THEN '4' ELSE '' END, 'bj2022-02', '[]', current_date + 7, now(), now()
FROM people WHERE id % 10 = 0 AND id > 100
"""


@dataclass
class World:
    settings: Settings
    env: dict[str, str]
    tokens: list[str] = field(default_factory=list)  # operator API tokens, one per venue
    code_tokens: list[str] = field(default_factory=list)  # QR tokens, one per venue
    venue_ids: list[int] = field(default_factory=list)
    pseudonyms: list[str] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)


def _id_number(i: int) -> str:
    first17 = f"110105{1950 + i % 50:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return first17 + id_check_character(first17)


def build(name: str, n_persons: int, n_venues: int) -> World:
    url = fresh_postgres(name)
    keys = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    settings = Settings(database_url=url, environment="production", _env_file=None, **keys)  # type: ignore[call-arg]
    env = {f"LIANFANG_{k.upper()}": v for k, v in keys.items()} | {"LIANFANG_DATABASE_URL": url}
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    world = World(settings, env)
    bus = EventBus()
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=bus)
        new = jurisdictions_service.JurisdictionInput
        jurisdictions_service.create_jurisdiction(ctx, new("110000", "北京市", "city"))
        jurisdictions_service.create_jurisdiction(ctx, new("110105", "朝阳区", "district", "110000"))
        jurisdictions_service.create_jurisdiction(ctx, new("110105001", "建外街道", "street", "110105"))
        community = jurisdictions_service.create_jurisdiction(
            ctx, new("110105001001", "建外第1社区", "community", "110105001")
        )
        today = local_date(ctx.now)
        ensure_scan_partitions(session, *partition_days(today))
    _load_people(world, community.id, community.path, n_persons)
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=bus)
        from lianfang.jurisdictions.models import Jurisdiction

        community = session.get(Jurisdiction, community.id)
        for v in range(n_venues):
            venue = venues_service.create_venue(
                ctx,
                venues_service.VenueInput(f"超市{v}", "supermarket", community.id, address=f"建国路{v}号"),
            )
            user = accounts_service.create_user(
                ctx, f"gate{v}", f"闸机{v}", PASSWORD, "venue_operator", community.id
            )
            venues_service.assign_operator(ctx, venue.id, user.id)
            operator = Actor(
                kind="staff",
                label=user.username,
                user_id=user.id,
                role=user.role,
                jurisdiction_id=community.id,
                scope_path=community.path,
                permissions=frozenset({"venues.operate"}),
            )
            as_operator = ctx.as_actor(operator)
            codes.declare_registrar(as_operator, _id_number(v))
            code = codes.create_code(as_operator, venue.id, "东门")
            world.tokens.append(accounts_service.issue_api_token(ctx, user.id, "bench gate"))
            world.code_tokens.append(code.token)
            world.venue_ids.append(venue.id)
    with engine.begin() as conn:
        conn.execute(text(STATUSES))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # a served database has statistics (autovacuum would, later)
    engine.dispose()
    return world


def _load_people(world: World, community_id: int, path: str, n: int) -> None:
    settings = world.settings
    sealed = vault(settings).seal("placeholder")
    now = utcnow().isoformat()
    engine = make_engine(settings)
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(
                "COPY people (pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality, "
                "community_id, jurisdiction_path, address, created_at, updated_at) FROM STDIN"
            ) as copy,
        ):
            for i in range(n):
                number = _id_number(i)
                pseudonym = secrets.token_urlsafe(16)
                world.pseudonyms.append(pseudonym)
                copy.write_row(
                    (
                        pseudonym,
                        f"王{i}",
                        "resident_id",
                        id_hash(settings, "resident_id", number),
                        sealed,
                        mask_id(number),
                        "CHN",
                        community_id,
                        path,
                        "",
                        now,
                        now,
                    )
                )
        world.person_ids = [r[0] for r in conn.execute(text("SELECT id FROM people ORDER BY id"))]
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server process on 127.0.0.1:port and wait until it accepts connections."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
