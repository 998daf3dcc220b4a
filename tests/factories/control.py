"""Control fixtures: a person's test result written straight into the testing tables (so the control
tests do not depend on the testing module's intake), and a confirmed case through the tracing API."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from lianfang.core.context import Ctx
from lianfang.people.models import Person
from lianfang.testing.events import ResultPositive
from lianfang.testing.models import Sample, Tube, TubeResult

_serial = count(1)


def result(
    ctx: Ctx, person: Person, value: str, at: datetime, publish: bool = False, round_id: int | None = None
) -> None:
    tube = Tube(
        barcode=f"C{next(_serial):09d}",
        kind="individual",
        mode="single",
        capacity=1,
        sample_count=1,
        jurisdiction_path=person.jurisdiction_path,
        status="resulted",
        opened_at=at,
        round_id=round_id,
    )
    ctx.session.add(tube)
    ctx.session.flush()
    sample = Sample(
        tube_id=tube.id,
        person_id=person.id,
        jurisdiction_path=person.jurisdiction_path,
        community_id=person.community_id,
        sampled_at=at,
        round_id=round_id,
    )
    ctx.session.add_all([sample, TubeResult(tube_id=tube.id, result=value, reported_at=at, recorded_at=at)])
    ctx.session.flush()
    if publish and value == "positive":
        ctx.publish(ResultPositive(person.id, sample.id, at, at, person.jurisdiction_path))
