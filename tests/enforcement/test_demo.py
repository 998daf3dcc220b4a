"""The demo steps of both modules run on a small world and leave visible data."""

from __future__ import annotations

from sqlalchemy import func, select

from lianfang.enforcement.demo import seed_enforcement
from lianfang.enforcement.models import Finding, RegisteredEvent
from lianfang.unithealth.demo import seed_unit_health
from lianfang.unithealth.models import AbsenceAlert, DailyReport, Revision


def test_demo_steps(ctx, session):
    from tests.factories.unithealth import make_unit_world

    world = make_unit_world(ctx, students=4)
    message = seed_unit_health(ctx, world.officer)
    assert "4 daily reports" in message and "1 alerts" in message
    assert session.scalar(select(func.count()).select_from(DailyReport)) == 4
    assert session.scalar(select(func.count()).select_from(Revision)) == 1
    assert session.scalar(select(func.count()).select_from(AbsenceAlert)) == 1
    done = seed_enforcement(ctx, world.district, world.officer, "demo-password-2026")
    assert "inspection of" in done and "1 event postponed" in done
    assert session.scalar(select(Finding.state)) == "responded"
    assert session.scalar(select(RegisteredEvent.decision)) == "postponed"
