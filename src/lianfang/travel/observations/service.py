"""Returnees (R7) and inbound arrivals (R8): the rule set in force decides the observation; it is kept as
an 'observation required' fact (with pop-up ② for arrivals) for the control module to turn into an
order, and the community gets the hand-over duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.people.models import Person
from lianfang.travel import repository, rules
from lianfang.travel.access import WRITE, today_of
from lianfang.travel.events import ObservationRequired
from lianfang.travel.models import InboundArrival, ObservationRequirement, TravelRecord


def _require(
    ctx: Ctx, person: Person, kind: str, origin_id: int, plan: rules.Plan, starts_on: date
) -> ObservationRequirement:
    when = rules.schedule(plan, starts_on)
    obs = ObservationRequirement(
        person_id=person.id,
        community_id=person.community_id,
        jurisdiction_path=person.jurisdiction_path,
        kind=kind,
        origin_id=origin_id,
        edition=plan.edition,
        mode=plan.mode,
        centralised_days=plan.centralised_days,
        home_days=plan.home_days,
        monitoring_days=plan.monitoring_days,
        test_days=",".join(str(d) for d in plan.test_days),
        starts_on=when.starts_on,
        handover_on=when.handover_on,
        isolation_ends_on=when.isolation_ends_on,
        monitoring_ends_on=when.monitoring_ends_on,
        popup2_until=when.popup2_until,
        state="required",
        created_at=ctx.now,
    )
    ctx.session.add(obs)
    ctx.session.flush()
    audit.record(
        ctx,
        "travel.observation.require",
        "travel_observation",
        obs.id,
        obs.jurisdiction_path,
        person_id=person.id,
        kind=kind,
        edition=plan.edition,
        mode=plan.mode,
        cite=plan.cite,
    )
    ctx.publish(
        ObservationRequired(
            obs.id,
            person.id,
            kind,
            plan.edition,
            plan.mode,
            str(obs.starts_on),
            str(obs.isolation_ends_on),
            str(obs.popup2_until) if obs.popup2_until else None,
        )
    )
    return obs


def decide_returnee(ctx: Ctx, person: Person, record: TravelRecord) -> ObservationRequirement | None:
    assert record.to_on is not None
    back = record.to_on
    stays = [
        r
        for r in repository.person_records(ctx.session, [person.id])
        if r.last_day >= back - timedelta(days=rules.WINDOW_DAYS) and r.from_on <= back
    ]
    listed: dict[str, str] = {}
    for area in repository.active_risk_areas(ctx.session):
        klass = rules.RISK_CLASS.get(area.level, "low")
        order = ("low", "medium", "high")
        if order.index(klass) >= order.index(listed.get(area.place_code, "low")):
            listed[area.place_code] = klass
    visits = [
        rules.Visit(r.place_code, r.from_on, min(r.last_day, back), listed.get(r.place_code)) for r in stays
    ]
    plan = rules.returnee_plan(back, visits)
    if plan is None:
        return None
    return _require(ctx, person, "returnee", record.id, plan, back)


@dataclass(frozen=True)
class ArrivalInput:
    arrived_on: date | None
    from_country: str
    port: str
    hotel: str = ""
    source: str = "port"


def register_arrival(
    ctx: Ctx, person: Person, data: ArrivalInput
) -> tuple[InboundArrival, ObservationRequirement]:
    """An inbound arrival registered at the port or the hotel; the entry quarantine plan in force on the
    arrival day becomes an 'observation required' fact (pop-up ② until its last day)."""
    ctx.actor.require(WRITE)
    problems: list[Problem] = []
    country = data.from_country.strip().upper()
    if data.arrived_on is None:
        problems.append(Problem("arrived_on", "请填写入境日期", "give the arrival day"))
    elif data.arrived_on > today_of(ctx):
        problems.append(
            Problem("arrived_on", "入境日期不能晚于今天", "the arrival day cannot be in the future")
        )
    if len(country) != 3 or not country.isalpha():
        problems.append(
            Problem(
                "from_country",
                "出发国家应为3位字母代码（GB/T 2659）",
                "country: 3 letters (ISO 3166 / GB/T 2659)",
            )
        )
    if not data.port.strip() or len(data.port) > 120:
        problems.append(
            Problem("port", "请填写入境口岸（最多120字）", "give the port of entry (at most 120 characters)")
        )
    if data.source not in ("port", "hotel"):
        problems.append(Problem("source", "来源应为口岸或酒店", "source: port or hotel"))
    plan = rules.inbound_plan(data.arrived_on) if data.arrived_on else None
    if data.arrived_on is not None and plan is None:
        problems.append(
            Problem("arrived_on", "该日期没有生效的入境规则", "no inbound rule set was in force on that day")
        )
    if problems:
        raise Invalid(problems)
    assert data.arrived_on is not None and plan is not None
    duplicate = ctx.session.scalar(
        select(InboundArrival.id).where(
            InboundArrival.person_id == person.id, InboundArrival.arrived_on == data.arrived_on
        )
    )
    if duplicate is not None:
        raise Conflict("该人员当天的入境已登记", "this person's arrival on that day is already registered")
    arrival = InboundArrival(
        person_id=person.id,
        community_id=person.community_id,
        jurisdiction_path=person.jurisdiction_path,
        arrived_on=data.arrived_on,
        from_country=country,
        port=data.port.strip(),
        hotel=data.hotel.strip(),
        source=data.source,
        registered_by=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(arrival)
    ctx.session.flush()
    audit.record(
        ctx,
        "travel.arrival.create",
        "travel_arrival",
        arrival.id,
        arrival.jurisdiction_path,
        person_id=person.id,
        arrived_on=str(arrival.arrived_on),
        port=arrival.port,
        source=data.source,
    )
    obs = _require(ctx, person, "inbound", arrival.id, plan, data.arrived_on)
    _handover_assignment(ctx, person, obs)
    return arrival, obs


def _handover_assignment(ctx: Ctx, person: Person, obs: ObservationRequirement) -> None:
    """R8: at the end of the centralised part the person is handed to community health management; the
    community gets the duty with that day as its deadline."""
    deadline = datetime.combine(obs.handover_on + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    if deadline <= ctx.now:
        deadline = ctx.now + timedelta(hours=rules.verify_deadline_hours())
    issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"入境人员移交社区健康管理（{obs.handover_on}） / Inbound arrival handed over to the community",
        body=f"{obs.edition}: {obs.centralised_days}+{obs.home_days}+{obs.monitoring_days}；"
        f"居家观察至{obs.isolation_ends_on}，健康监测至{obs.monitoring_ends_on}。",
        owner_jurisdiction_id=person.community_id,
        deadline=deadline,
        subject_type="travel_observation",
        subject_id=str(obs.id),
        kind="travel.handover",
    )
