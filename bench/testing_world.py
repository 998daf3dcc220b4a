"""A world for the testing benchmarks: a fresh PostgreSQL database built by the migrations, a district with
one street and `n_communities` communities, persons generated in SQL, a sampling site, a lab, a round
over the district (through the services), and a lab account with an API token."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from bench.common import fresh_postgres
from lianfang.accounts import service as accounts_service
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.jurisdictions import service as jurisdictions_service
from lianfang.testing.rounds import service as rounds_service
from lianfang.testing.sites import service as sites_service

PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a throwaway database)


@dataclass
class World:
    settings: Settings
    env: dict[str, str]
    token: str = ""
    site_id: int = 0
    site_path: str = ""
    lab_id: int = 0
    round_id: int = 0
    first_person: int = 0
    n_people: int = 0
    community_ids: list[int] = field(default_factory=list)


def build(name: str, n_people: int, n_communities: int = 20) -> World:
    url = fresh_postgres(name)
    keys = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    settings = Settings(database_url=url, environment="production", _env_file=None, **keys)  # type: ignore[call-arg]
    env = {f"LIANFANG_{k.upper()}": v for k, v in keys.items()} | {"LIANFANG_DATABASE_URL": url}
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    world = World(settings, env, n_people=n_people)
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        new = jurisdictions_service.JurisdictionInput
        jurisdictions_service.create_jurisdiction(ctx, new("110000", "北京市", "city"))
        district = jurisdictions_service.create_jurisdiction(
            ctx, new("110105", "朝阳区", "district", "110000")
        )
        jurisdictions_service.create_jurisdiction(ctx, new("110105001", "建外街道", "street", "110105"))
        communities = [
            jurisdictions_service.create_jurisdiction(
                ctx, new(f"110105001{c + 1:03d}", f"建外第{c + 1}社区", "community", "110105001")
            )
            for c in range(n_communities)
        ]
        world.community_ids = [c.id for c in communities]
        paths = [c.path for c in communities]
        # People spread evenly over the communities; pseudonym "p<i>", unique placeholder hashes.
        session.execute(
            text(
                "INSERT INTO people (pseudonym, name, id_kind, id_hash, id_sealed, id_masked, nationality,"
                " community_id, jurisdiction_path, address, created_at, updated_at)"
                " SELECT 'p' || i, '王' || i, 'resident_id', md5('id' || i), 'x',"
                " '11**************' || (i % 100),"
                " 'CHN', (CAST(:ids AS integer[]))[1 + i % :n],"
                " (CAST(:paths AS text[]))[1 + i % :n], '', now(), now()"
                " FROM generate_series(0, :last) AS i"
            ),
            {"ids": world.community_ids, "paths": paths, "n": n_communities, "last": n_people - 1},
        )
        world.first_person = int(session.execute(text("SELECT min(id) FROM people")).scalar_one())
        site = sites_service.create_site(ctx, "建外第1采样点", communities[0].id)
        lab = sites_service.create_lab(ctx, "朝阳区疾控实验室", district.id, 10_000_000)
        item = rounds_service.order_round(ctx, rounds_service.RoundInput("第1轮", district.id, "pool10"))
        user = accounts_service.create_user(ctx, "benchlab", "检测机构", PASSWORD, "lab", district.id)
        world.token = accounts_service.issue_api_token(ctx, user.id, "bench")
        world.site_id, world.site_path, world.lab_id, world.round_id = (
            site.id,
            site.jurisdiction_path,
            lab.id,
            item.id,
        )
    engine.dispose()
    return world


def vacuum(settings: Settings) -> None:
    engine = make_engine(settings)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
