"""The GB/T 38963-2020 interface operations (RULES.md §4.1) mapped onto lianfang's own services. The
standard's published summaries name the operations, not their field layouts (GB/T 38961's code layout
is paywalled: no widths are invented here); field names are lianfang's and documented in
docs/interop.md with this mapping:

- 申报 (用户健康信息申报, 用户行程申报) → `declare`: trips through travel.service.declare_stay (flags and
  the returnee's observation as any declaration); temperature and symptoms as the day's health report
  when the person is under a control order (control.monitoring.record_report), otherwise an abnormal
  declaration (≥ 37.3 ℃ or a symptom) becomes a follow-up assignment for the person's community.
- 查询 (用户健康信息查询) → `query`: the explainable status of healthcodes.view.
- 制码 (健康码调用申请, 健康码制码请求) → `make_code`: a signed QR token (healthcodes.keys), for the
  holder only.
- 验码 (健康码验码请求) → `verify_code`: healthcodes.checks.check_code (audited).
- 纠错 (用户健康信息纠错) → `correct`: an appeal (healthcodes.appeals.file_appeal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lianfang.assignments.service import issue_assignment
from lianfang.control import rules as control_rules
from lianfang.control import service as orders
from lianfang.control.monitoring import service as monitoring
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem, Unauthenticated
from lianfang.healthcodes import access
from lianfang.healthcodes.appeals import service as appeals
from lianfang.healthcodes.checks import service as checks
from lianfang.healthcodes.qr import service as keys
from lianfang.healthcodes.status.views import code_view
from lianfang.people.access import access_person
from lianfang.people.models import Person
from lianfang.travel import access as travel_access
from lianfang.travel import service as travel_service

# Deadline of a community's follow-up of an abnormal declaration: RULES.md §6 (province example [C]:
# 24小时内完成排查登记); a configurable-style working rule, not Beijing's published one.
FOLLOW_UP_HOURS = 24
MAX_SYMPTOMS = 10


@dataclass(frozen=True)
class Trip:
    place_code: str
    from_on: date | None
    to_on: date | None


def person_for(ctx: Ctx, person_id: int, write: bool = False) -> tuple[Person, str]:
    """A resident's own or family member (channel self/family), or a person in a staff actor's scope."""
    if ctx.actor.kind == "resident":
        return access.resident_person(ctx, person_id)
    if ctx.actor.kind == "staff":
        if write:
            ctx.actor.require(travel_access.WRITE)  # a staff entry of a declaration is travel's write
            return access_person(ctx.session, ctx.actor, person_id), "staff"
        return access.staff_person(ctx, person_id, "gbt38963.query"), "staff"
    raise Unauthenticated()


def _health_problems(temperature: float | None, symptoms: list[str]) -> list[Problem]:
    problems = []
    wrong = control_rules.temperature_problem(temperature)
    if wrong:
        problems.append(Problem("temperature", *wrong))
    if len(symptoms) > MAX_SYMPTOMS or any(not s.strip() or len(s) > 40 for s in symptoms):
        problems.append(
            Problem("symptoms", "症状最多10项，每项不超过40字", "at most 10 symptoms of up to 40 characters")
        )
    return problems


def declare(
    ctx: Ctx, person_id: int, temperature: float | None, symptoms: list[str], trips: list[Trip]
) -> dict[str, Any]:
    """用户健康信息申报 / 用户行程申报."""
    person, _channel = person_for(ctx, person_id, write=True)
    problems = _health_problems(temperature, symptoms)
    for n, trip in enumerate(trips, start=1):
        data = travel_service.StayInput(trip.place_code, trip.from_on, trip.to_on)
        problems += [Problem(p.field, p.zh, p.en, n) for p in travel_service.stay_problems(ctx, person, data)]
    if problems:
        raise Invalid(problems)
    records = [
        travel_service.declare_stay(ctx, person, travel_service.StayInput(t.place_code, t.from_on, t.to_on))
        for t in trips
    ]
    health = "none"
    if temperature is not None or symptoms:
        health = _health(ctx, person, temperature, symptoms)
    audit.record(
        ctx,
        "interop.gbt.declare",
        "person",
        person.id,
        person.jurisdiction_path,
        trips=len(records),
        health=health,
    )
    return {"person_id": person.id, "travel_records": [r.id for r in records], "health": health}


def _health(ctx: Ctx, person: Person, temperature: float | None, symptoms: list[str]) -> str:
    order = orders.active_order(ctx, person.id)
    if order is not None:
        monitoring.record_report(ctx, order.id, temperature, "、".join(symptoms))
        return "daily_report"
    fever = temperature is not None and temperature >= control_rules.FEVER_C
    if not fever and not symptoms:
        return "normal"
    said = f"{temperature}℃ " if temperature is not None else ""
    issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"健康申报异常，请核实跟进：{person.name} / A health declaration needs a follow-up",
        body=f"申报：{said}{'、'.join(symptoms)}".strip(),
        owner_jurisdiction_id=person.community_id,
        deadline=ctx.now + timedelta(hours=FOLLOW_UP_HOURS),
        subject_type="person",
        subject_id=str(person.id),
        kind="interop.declaration",
    )
    return "follow_up"


def query(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """用户健康信息查询."""
    person, _channel = person_for(ctx, person_id)
    view = code_view(ctx, person)
    d = view.derived
    return {
        "person_id": person.id,
        "name_masked": view.name_masked,
        "id_masked": view.id_masked,
        "colour": d.colour,
        "status_zh": d.label[0],
        "status_en": d.label[1],
        "popups": list(d.popups),
        "edition": d.edition,
        "valid_until": d.valid_until().isoformat(),
        "reasons": [{"kind": r.kind, "why_zh": e.zh, "why_en": e.en} for r, e in view.effects],
        "latest_test": None
        if view.latest is None
        else {"result": view.latest.result, "days": view.latest.days},
        "vaccination_doses": view.vaccination.doses,
    }


def make_code(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """健康码调用申请 / 制码请求: a code is made for its holder (or their family), never for staff."""
    if ctx.actor.kind != "resident":
        raise DomainError("健康码只能由本人或家属申领", "a code is made for its holder only", 403)
    person, channel = access.resident_person(ctx, person_id)
    derived = code_view(ctx, person).derived
    policy = keys.policy(ctx.settings)
    token = keys.signer_for(ctx).issue(
        person.pseudonym, derived.colour, derived.popups, ctx.now, policy.ttl_seconds
    )
    audit.record(ctx, "interop.gbt.make_code", "person", person.id, person.jurisdiction_path, channel=channel)
    return {
        "code": token,
        "colour": derived.colour,
        "popups": list(derived.popups),
        "expires_in": policy.ttl_seconds,
        "refresh_seconds": policy.refresh_seconds,
    }


def verify_code(ctx: Ctx, code: str) -> dict[str, Any]:
    """健康码验码请求: valid or not with the reason, the status, the action and the masked holder."""
    if len(code) > checks.MAX_INPUT:
        raise Invalid([Problem("code", "内容过长", f"too long (at most {checks.MAX_INPUT} characters)")])
    result = checks.check_code(ctx, code)
    answer = dict(result.answer)
    answer.pop("pseudonym", None)
    answer.update(name_masked=result.name_masked, id_masked=result.id_masked)
    return answer


def correct(
    ctx: Ctx, person_id: int | None, name: str, id_number: str, popup: str, statement: str
) -> dict[str, Any]:
    """用户健康信息纠错: an appeal of a pop-up, by the holder (or family) or the 12345 hotline."""
    if ctx.actor.kind == "resident":
        if person_id is None:
            raise Invalid([Problem("person_id", "请指定人员", "give person_id")])
        person, channel = access.resident_person(ctx, person_id)
    elif ctx.actor.kind == "staff":
        ctx.actor.require(access.HOTLINE)
        person = access.find_by_identity(ctx, name, id_number, local_date(ctx.now))
        if not ctx.actor.covers(person.jurisdiction_path):
            raise DomainError("该人员不在您的辖区", "this person is outside your jurisdiction", 422)
        channel = "hotline"
    else:
        raise Unauthenticated()
    appeal = appeals.file_appeal(ctx, person, popup, statement, channel)
    return {"appeal_id": appeal.id, "state": appeal.state, "popup": appeal.popup, "channel": appeal.channel}
