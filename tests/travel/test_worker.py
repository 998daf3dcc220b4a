"""The worker side: the re-flag job and the periodic scan are registered; the scan re-flags stays that
arrived without a declaration (e.g. straight into the table) and is idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.core.jobs import tick
from lianfang.travel import service
from lianfang.travel.flags import service as flags
from lianfang.travel.models import TravelFlag, TravelRecord
from lianfang.travel.rules import OPEN_END
from lianfang.travel.tasks import SCAN_SECONDS
from tests.factories.travel import JINGXIU, days_ago, make_world, today


def test_registered(runtime):
    assert runtime.periodic["travel.scan"][0] == SCAN_SECONDS
    assert flags.REFLAG_JOB in runtime.handlers


def test_scan_flags_new_rows_once(ctx, runtime, session):
    world = make_world(ctx)
    service.create_risk_area(
        ctx, service.RiskAreaInput(JINGXIU, "medium", today(ctx), "河北省通报", "medium_7")
    )
    session.add(
        TravelRecord(
            person_id=world.other.id,
            community_id=world.other.community_id,
            jurisdiction_path=world.other.jurisdiction_path,
            place_code=JINGXIU,
            from_on=days_ago(ctx, 3),
            to_on=None,
            last_day=OPEN_END,
            source="hub",
            source_ref="x-1",
            carrier="",
            state="active",
            note="",
            created_by="t",
            created_at=ctx.now,
        )
    )
    session.commit()
    tick(runtime, {}, 0.0, now=ctx.now + timedelta(minutes=1))
    tick(runtime, {}, 0.0, now=ctx.now + timedelta(minutes=2))
    session.expire_all()
    flags = list(session.scalars(select(TravelFlag)))
    assert [(f.person_id, f.in_city, f.state) for f in flags] == [(world.other.id, False, "open")]
    assert session.scalar(select(func.count()).select_from(TravelFlag)) == 1
