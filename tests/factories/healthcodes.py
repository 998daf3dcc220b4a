"""Health-code facts arranged directly in the source modules' tables, with the events those modules
publish, so the health-code tests do not depend on the whole intake of testing or a pharmacy unit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.context import Ctx
from lianfang.people.models import Person
from lianfang.testing.events import PoolPositive
from lianfang.testing.models import Sample, TemporaryControl
from lianfang.unithealth import models as unithealth_models
from lianfang.unithealth.events import MedicineBuyerFlagged
from tests.factories.control import result


def pool_positive(ctx: Ctx, person: Person) -> TemporaryControl:
    """The person's pooled tube came back positive an hour ago: a temporary control and its event."""
    result(ctx, person, "negative", ctx.now - timedelta(hours=3))
    tube_id = ctx.session.scalars(select(Sample.tube_id).where(Sample.person_id == person.id)).first()
    assert tube_id is not None
    control = TemporaryControl(
        person_id=person.id,
        tube_id=tube_id,
        jurisdiction_path=person.jurisdiction_path,
        community_id=person.community_id,
        raised_at=ctx.now - timedelta(hours=1),
    )
    ctx.session.add(control)
    ctx.session.flush()
    ctx.publish(PoolPositive(tube_id, None, "P1", (person.id,), ctx.now, person.jurisdiction_path, 1))
    return control


def medicine_duty(ctx: Ctx, person: Person, hours_ago: int = 3) -> unithealth_models.TestingDuty:
    """A pharmacy sale of the four medicine classes: the buyer's testing duty (pop-up ④) and its event."""
    duty = unithealth_models.TestingDuty(
        id_hash=person.id_hash,
        person_id=person.id,
        jurisdiction_path=person.jurisdiction_path,
        reason="medicine_purchase",
        popup="4",
        rule_edition="bj2022-02",
        source_type="pharmacy_sale",
        source_id=0,
        clears_on="test_after_start",
        started_at=ctx.now - timedelta(hours=hours_ago),
    )
    ctx.session.add(duty)
    ctx.session.flush()
    ctx.publish(MedicineBuyerFlagged(duty.id, 0, duty.id_hash, person.id, "fever", duty.started_at, True))
    return duty
