"""Set-up data: the city root and first administrator, and the small fixed demo city."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from lianfang.accounts import service as accounts
from lianfang.accounts.auth import staff_actor
from lianfang.accounts.models import User
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.tabular import ImportReport
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions import service as jurisdictions
from lianfang.jurisdictions.models import Jurisdiction

CITY = ("110000", "北京市", "Beijing")
DEMO_PASSWORD = "lianfang-demo"  # noqa: S105 (the documented demo password, printed by `make demo`)
# A small fixed city: district → streets → communities (codes follow the GB/T 2260 district prefix).
DEMO_CITY = {
    ("110101", "东城区", "Dongcheng"): {
        ("110101001", "东华门街道", "Donghuamen"): [
            ("110101001001", "多福巷社区"),
            ("110101001002", "银闸社区"),
        ],
        ("110101002", "景山街道", "Jingshan"): [("110101002001", "隆福寺社区"), ("110101002002", "吉祥社区")],
    },
    ("110105", "朝阳区", "Chaoyang"): {
        ("110105001", "建外街道", "Jianwai"): [
            ("110105001001", "永安里社区"),
            ("110105001002", "光华里社区"),
        ],
        ("110105002", "朝外街道", "Chaowai"): [
            ("110105002001", "吉祥里社区"),
            ("110105002002", "雅宝里社区"),
        ],
    },
    ("110114", "昌平区", "Changping"): {
        ("110114001", "城北街道", "Chengbei"): [("110114001001", "西关社区"), ("110114001002", "东关社区")],
        ("110114002", "回龙观街道", "Huilongguan"): [
            ("110114002001", "龙禧社区"),
            ("110114002002", "龙跃社区"),
        ],
    },
}
DEMO_USERS = [
    ("city", "市指挥部值班员", "city_command", "110000"),
    ("chaoyang", "朝阳区指挥部", "district_command", "110105"),
    ("jianwai", "建外街道工作人员", "community_worker", "110105001"),
    ("yonganli", "永安里社区工作人员", "community_worker", "110105001001"),
    ("changping", "昌平区指挥部", "district_command", "110114"),
    ("cdc", "流调队员", "investigator", "110000"),
    ("lab", "检测机构", "lab", "110000"),
    ("auditor", "审计员", "auditor", "110000"),
]


def _ctx(session: object, settings: Settings, actor: object = SYSTEM) -> Ctx:
    return Ctx(session=session, actor=actor, settings=settings, now=utcnow(), bus=EventBus())  # type: ignore[arg-type]


def ensure_admin(settings: Settings, password: str | None = None) -> str | None:
    """Create the city root and the `admin` account when missing; returns the password it set."""
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = _ctx(session, settings)
        root = jurisdictions_repository.by_code(session, CITY[0])
        if root is None and not jurisdictions_repository.roots(session):
            root = jurisdictions.create_jurisdiction(
                ctx, jurisdictions.JurisdictionInput(CITY[0], CITY[1], "city", name_en=CITY[2])
            )
        root = root or jurisdictions_repository.roots(session)[0]
        if session.scalar(select(User.id).where(User.username == "admin")) is not None:
            return None
        password = password or secrets.token_urlsafe(12)
        accounts.create_user(ctx, "admin", "系统管理员", password, "admin", root.id)
        return password


def seed_demo(settings: Settings, progress: Callable[[str], object] = print) -> str:
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = _ctx(session, settings)
        if jurisdictions_repository.by_code(session, "110101") is not None:
            return "demo city already loaded"
        communities: list[Jurisdiction] = []
        for (dcode, dname, den), streets in DEMO_CITY.items():
            jurisdictions.create_jurisdiction(
                ctx, jurisdictions.JurisdictionInput(dcode, dname, "district", CITY[0], den)
            )
            for (scode, sname, sen), comms in streets.items():
                jurisdictions.create_jurisdiction(
                    ctx, jurisdictions.JurisdictionInput(scode, sname, "street", dcode, sen)
                )
                for ccode, cname in comms:
                    communities.append(
                        jurisdictions.create_jurisdiction(
                            ctx, jurisdictions.JurisdictionInput(ccode, cname, "community", scode)
                        )
                    )
        progress(f"jurisdictions: {len(communities)} communities")
        for username, display, role, code in DEMO_USERS:
            home = jurisdictions_repository.by_code(session, code)
            assert home is not None
            accounts.create_user(ctx, username, display, DEMO_PASSWORD, role, home.id)
        progress(f"staff accounts: {', '.join(u[0] for u in DEMO_USERS)} (password {DEMO_PASSWORD})")
        summary = _seed_registry(ctx, communities, progress)
    return f"demo city ready: {len(communities)} communities; {summary}"


def _seed_registry(ctx: Ctx, communities: list[Jurisdiction], progress: Callable[[str], object]) -> str:
    del ctx, communities, progress
    return "registry: empty"


def _admin_ctx(session: object, settings: Settings) -> Ctx:
    admin = session.scalar(select(User).where(User.username == "admin"))  # type: ignore[attr-defined]
    if admin is None:
        msg = "run `lianfang init` first"
        raise SystemExit(msg)
    return _ctx(session, settings, staff_actor(session, admin, "cli"))  # type: ignore[arg-type]


def cli_create_user(
    settings: Settings, username: str, role: str, code: str, display: str, password: str
) -> None:
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = _admin_ctx(session, settings)
        home = jurisdictions_repository.by_code(session, code)
        if home is None:
            msg = f"no jurisdiction with code {code}"
            raise SystemExit(msg)
        accounts.create_user(ctx, username, display, password, role, home.id)


def cli_import(settings: Settings, kind: str, file: Path, dry_run: bool) -> ImportReport:
    importers = {"jurisdictions": jurisdictions.import_tree}
    if kind not in importers:
        msg = f"unknown import kind {kind!r}; choose from {', '.join(importers)}"
        raise SystemExit(msg)
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        return importers[kind](_admin_ctx(session, settings), file.name, file.read_bytes(), dry_run)
