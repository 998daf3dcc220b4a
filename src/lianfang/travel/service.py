"""Travel use cases: the risk-area list and stays from every source, with corrections that keep history.
Remote-control flags are in `flags`, observation requirements in `observations`. The only writers of the
travel tables; every change leaves an audit row; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem
from lianfang.core.jobs import enqueue
from lianfang.people.models import Person
from lianfang.travel import repository, rules
from lianfang.travel.access import MANAGE, today_of
from lianfang.travel.events import RiskAreaChanged, TravelFlagsCleared
from lianfang.travel.flags import service as flags
from lianfang.travel.models import ObservationRequirement, RiskArea, TravelRecord
from lianfang.travel.observations import service as observations


@dataclass(frozen=True)
class RiskAreaInput:
    place_code: str
    level: str
    starts_on: date | None
    source: str
    lift_rule: str
    area_name: str = ""
    inside_city: bool = False
    last_case_on: date | None = None


def create_risk_area(ctx: Ctx, data: RiskAreaInput) -> RiskArea:
    """List an area; everyone whose 14-day travel touches it is flagged by the `travel.reflag` job."""
    ctx.actor.require(MANAGE)
    code = rules.normalise_code(data.place_code)
    problems = rules.risk_area_problems(
        data.level, data.lift_rule, data.starts_on, data.last_case_on, data.source, today_of(ctx)
    )
    problem = rules.code_problem(code, None, "place_code")
    if problem is None and not repository.places_by_codes(ctx.session, [code]):
        problem = Problem("place_code", f"未知的区划代码“{code}”", f"unknown place code {code!r}")
    problems = [problem, *problems] if problem else problems
    if len(data.area_name) > 200:
        problems.append(Problem("area_name", "区域名称最多200字", "the area name has at most 200 characters"))
    if problems:
        raise Invalid(problems)
    assert data.starts_on is not None
    area = RiskArea(
        place_code=code,
        area_name=data.area_name.strip(),
        level=data.level,
        inside_city=data.inside_city,
        starts_on=data.starts_on,
        last_case_on=data.last_case_on,
        source=data.source.strip(),
        lift_rule=data.lift_rule,
        active=True,
        lift_reason="",
        created_by=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(area)
    ctx.session.flush()
    audit.record(
        ctx,
        "travel.riskarea.create",
        "risk_area",
        area.id,
        None,
        place_code=code,
        level=data.level,
        area_name=area.area_name,
        source=area.source,
        lift_rule=data.lift_rule,
    )
    enqueue(ctx, flags.REFLAG_JOB, {"risk_area_id": area.id})
    ctx.publish(RiskAreaChanged(area.id, code, area.level, True))
    return area


def lift_risk_area(ctx: Ctx, risk_area_id: int, reason: str) -> RiskArea:
    """Take an area off the list: its open pop-up ① flags are cleared at once (one UPDATE)."""
    ctx.actor.require(MANAGE)
    area = ctx.session.get(RiskArea, risk_area_id, with_for_update=True)
    if area is None:
        raise NotFound("风险地区", "risk area")
    if not area.active:
        raise Conflict("该地区已解除", "this area has already been lifted")
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise Invalid(
            [Problem("reason", "请填写解除理由（最多300字）", "give a reason (at most 300 characters)")]
        )
    area.active, area.lifted_at, area.lift_reason, area.updated_at = False, ctx.now, reason, ctx.now
    cleared = repository.clear_lifted(ctx.session, ctx.now, [area.id])
    audit.record(
        ctx,
        "travel.riskarea.lift",
        "risk_area",
        area.id,
        None,
        place_code=area.place_code,
        reason=reason,
        flags_cleared=cleared,
    )
    ctx.publish(RiskAreaChanged(area.id, area.place_code, area.level, False))
    ctx.publish(TravelFlagsCleared(area.id, "lifted", cleared))
    return area


@dataclass(frozen=True)
class StayInput:
    place_code: str
    from_on: date | None
    to_on: date | None
    note: str = ""


def stay_problems(
    ctx: Ctx, person: Person, data: StayInput, row: int | None = None, ignore_id: int | None = None
) -> list[Problem]:
    code = rules.normalise_code(data.place_code)
    known = bool(rules.code_problem(code) is None and repository.places_by_codes(ctx.session, [code]))
    problems = rules.stay_problems(known, code, data.from_on, data.to_on, today_of(ctx), row)
    if len(data.note) > 300:
        problems.append(Problem("note", "备注最多300字", "the note has at most 300 characters", row))
    if problems or data.from_on is None:
        return problems
    last = data.to_on or rules.OPEN_END
    for other in repository.person_records(ctx.session, [person.id]):
        if other.id != ignore_id and rules.overlaps(data.from_on, last, other.from_on, other.last_day):
            problems.append(
                Problem(
                    "from_on",
                    f"与已申报的行程（{other.from_on}起）时间重叠，请更正原申报",
                    f"overlaps the stay declared from {other.from_on}; correct that one instead",
                    row,
                )
            )
            break
    return problems


def insert_stay(
    ctx: Ctx, person: Person, data: StayInput, source: str, source_ref: str | None, carrier: str = ""
) -> TravelRecord:
    assert data.from_on is not None
    record = TravelRecord(
        person_id=person.id,
        community_id=person.community_id,
        jurisdiction_path=person.jurisdiction_path,
        place_code=rules.normalise_code(data.place_code),
        from_on=data.from_on,
        to_on=data.to_on,
        last_day=data.to_on or rules.OPEN_END,
        source=source,
        source_ref=source_ref,
        carrier=carrier,
        state="active",
        note=data.note.strip(),
        created_by=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(record)
    ctx.session.flush()
    return record


def declare_stay(ctx: Ctx, person: Person, data: StayInput, source: str = "declaration") -> TravelRecord:
    """A stay outside the city from a resident's declaration or a staff entry; `person` was fetched
    through people.access (own record, or in the actor's scope)."""
    problems = stay_problems(ctx, person, data)
    if problems:
        raise Invalid(problems)
    record = insert_stay(ctx, person, data, source, None)
    audit.record(
        ctx,
        "travel.record.create",
        "travel_record",
        record.id,
        record.jurisdiction_path,
        person_id=person.id,
        place_code=record.place_code,
        source=source,
        from_on=str(record.from_on),
        to_on=str(record.to_on),
    )
    after_stay(ctx, person, record)
    return record


def after_stay(ctx: Ctx, person: Person, record: TravelRecord) -> None:
    """Flag the person at once if the stay touches a listed area, and decide the returnee's observation."""
    repository.upsert_flags(ctx.session, ctx.now, today_of(ctx), None, [person.id])
    flags.assign_verification(ctx)
    if record.to_on is not None and record.to_on <= today_of(ctx):
        observations.decide_returnee(ctx, person, record)


def correct_record(ctx: Ctx, person: Person, record_id: int, data: StayInput) -> TravelRecord:
    """A correction supersedes the record (history kept) and re-decides what depended on it."""
    old = ctx.session.get(TravelRecord, record_id, with_for_update=True)
    if old is None or old.person_id != person.id:
        raise NotFound("行程记录", "travel record")
    if old.state != "active":
        raise Conflict("该记录已被更正或撤回", "this record has already been corrected or withdrawn")
    problems = stay_problems(ctx, person, data, ignore_id=old.id)
    if problems:
        raise Invalid(problems)
    new = insert_stay(ctx, person, data, old.source, None, old.carrier)
    supersede(ctx, old, new)
    audit.record(
        ctx,
        "travel.record.correct",
        "travel_record",
        old.id,
        old.jurisdiction_path,
        superseded_by=new.id,
        before=_stay_dict(old),
        after=_stay_dict(new),
    )
    after_stay(ctx, person, new)
    return new


def supersede(ctx: Ctx, old: TravelRecord, new: TravelRecord) -> None:
    """`new` replaces `old`; a returnee observation decided on `old` is withdrawn (re-decided on `new`)."""
    old.state, old.superseded_by_id = "superseded", new.id
    for obs in ctx.session.scalars(
        select(ObservationRequirement).where(
            ObservationRequirement.kind == "returnee", ObservationRequirement.origin_id == old.id
        )
    ):
        obs.state = "withdrawn"
    ctx.session.flush()


def _stay_dict(record: TravelRecord) -> dict[str, Any]:
    return {"place_code": record.place_code, "from_on": str(record.from_on), "to_on": str(record.to_on)}
