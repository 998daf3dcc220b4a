"""`lianfang demo` set-up (`seed.seed_demo`) on a simulated city, in its own SQLite file (the demo creates
its own engine), at a reduced size: staff accounts at real places of the generated city, operators and
officers linked to real venues and units, work items on the boards (one already late), idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lianfang import seed
from lianfang.accounts.models import User
from lianfang.assignments.models import Assignment
from lianfang.config import Settings
from lianfang.control.models import ControlOrder, ControlZone, HealthReport, IsolationRoom
from lianfang.core.clock import utcnow
from lianfang.core.db import make_engine, make_session_factory
from lianfang.core.migrate import upgrade
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Building
from lianfang.testing.models import RoundArea, RoundProgress, TemporaryControl, Tube
from lianfang.units.models import UnitOfficer
from lianfang.venues.models import Venue
from tests.conftest import TEST_KEYS


def test_demo_city_accounts_and_work_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed, "DEMO_PERSONS", 6_000)
    monkeypatch.setattr(seed, "DEMO_DAYS", 3)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}", environment="test", _env_file=None, **TEST_KEYS
    )  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade(engine)
    assert seed.ensure_admin(settings, seed.DEMO_PASSWORD) == seed.DEMO_PASSWORD
    lines: list[str] = []
    summary = seed.seed_demo(settings, progress=lines.append)
    assert summary.startswith("demo city ready") and "6,000 people" in lines[0]
    assert seed.seed_demo(settings) == "demo city already loaded"

    with make_session_factory(engine)() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        homes = {u: session.get(Jurisdiction, users[u].jurisdiction_id) for u in users}
        expected = {name for name, *_ in seed.DEMO_USERS} | {name for name, *_ in seed.DEMO_OPERATORS}
        assert expected | {"admin", "inspector"} == set(users)  # the enforcement step adds the inspector
        assert homes["chaoyang"].code == "110105" and homes["changping"].code == "110114"
        assert homes["city"].code == homes["cdc"].code == "110000"
        assert homes["jianwai"].level == "street" and homes["jianwai"].parent_id == homes["chaoyang"].id
        assert homes["yonganli"].level == "community" and homes["yonganli"].parent_id == homes["jianwai"].id
        market = session.scalars(select(Venue).where(Venue.operator_user_id == users["market"].id)).one()
        assert market.kind == "market" and market.jurisdiction_path.startswith(homes["chaoyang"].path)
        officers = session.scalars(select(UnitOfficer.user_id)).all()
        assert {users["school"].id, users["company"].id} <= set(officers)
        # The demo's own work items (the travel step adds verification duties of kind travel.*, the
        # tracing step community and cross-district requests of kind tracing.*).
        kinds = Assignment.kind.not_like("travel.%") & Assignment.kind.not_like("tracing.%")
        kinds &= Assignment.kind.not_like("command.%")  # the command step's directives and follow-ups
        kinds &= Assignment.kind.not_like("enforcement.%") & Assignment.kind.not_like("unithealth.%")
        kinds &= Assignment.kind.not_like("testing.%")  # the testing step's recalls of a positive pool
        kinds &= Assignment.kind.not_like("control.%")  # the control step's proposal, test orders, fever
        kinds &= Assignment.kind.not_like("information.%")  # the information step's hotline tickets
        items = session.scalars(select(Assignment).where(kinds)).all()
        assert len(items) == 5 and {i.owner_jurisdiction_id for i in items} == {
            homes["chaoyang"].id,
            homes["jianwai"].id,
            homes["yonganli"].id,
        }
        assert sum(i.deadline < utcnow() for i in items) == 1
        # The testing step: a round over 朝阳区 with sampled tubes, results and a positive pool.
        tubes = session.scalars(select(Tube).where(Tube.round_id.is_not(None))).all()
        assert tubes and {t.status for t in tubes} == {"open", "shipped", "received"}
        assert session.scalar(select(func.count()).select_from(TemporaryControl)) >= 2
        progress = session.scalars(select(RoundProgress)).all()
        assert sum(p.sampled for p in progress) < sum(p.expected for p in progress)
        assert sum(p.positive_pools for p in progress) >= 1
        # The control step: zones around a demo case, orders, an isolation site, reports, a zones' round.
        zones = session.scalars(select(ControlZone)).all()
        assert {z.level for z in zones} >= {"high", "medium"}
        assert session.scalar(select(func.count()).select_from(ControlOrder)) >= 1
        assert session.scalar(select(func.count()).select_from(IsolationRoom)) >= 1
        assert session.scalar(select(func.count()).select_from(HealthReport)) >= 1
        assert session.scalar(select(func.count()).select_from(Building)) >= 1
        areas = session.scalars(select(RoundArea).where(RoundArea.zone_ref.like("control_zone:%"))).all()
        assert {a.zone_kind for a in areas} >= {"high", "medium"}
    engine.dispose()


def test_import_kinds_reach_the_module_importers() -> None:
    kinds = {"jurisdictions", "people", "units", "staff", "venues", "places", "places-package", "travel"}
    kinds |= {"vaccinations"}
    assert set(seed.IMPORTERS) == kinds
