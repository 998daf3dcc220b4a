"""Use cases over units and their officers. Writes audit rows; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.accounts.models import User
from lianfang.accounts.service import access_user
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem, invalid
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.units import repository
from lianfang.units.access import WRITE, access_unit
from lianfang.units.events import UnitDeactivated
from lianfang.units.models import Unit, UnitOfficer
from lianfang.units.rules import code_problem, normalise_code, normalise_kind

OFFICER_ROLE = "unit_officer"
_LIMITS = {"name": 200, "address": 255, "contact_name": 120}


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    kind: str
    community_id: int | None = None
    community_code: str = ""
    address: str = ""
    contact_name: str = ""


def resolve_community(ctx: Ctx, data: UnitInput) -> Jurisdiction | None:
    if data.community_id is not None:
        return ctx.session.get(Jurisdiction, data.community_id)
    if data.community_code.strip():
        return jurisdictions_repository.by_code(ctx.session, data.community_code.strip())
    return None


def community_problem(
    ctx: Ctx, community: Jurisdiction | None, field: str, row: int | None = None
) -> Problem | None:
    """A unit (or venue) sits in an active community of the actor's scope."""
    if community is None or not ctx.actor.covers(community.path):
        return Problem(
            field,
            "找不到该社区，或不在您的管辖范围内",
            "community not found or outside your jurisdiction",
            row,
        )
    if community.level != "community":
        return Problem(field, "请选择社区（村）一级的辖区", "choose a community (village)", row)
    if not community.active:
        return Problem(field, "该社区已停用", "that community is inactive", row)
    return None


def unit_problems(
    ctx: Ctx,
    data: UnitInput,
    community: Jurisdiction | None,
    row: int | None = None,
    check_code: bool = True,
) -> list[Problem]:
    problems: list[Problem] = []
    if check_code:
        problem = code_problem(data.code, "code", row)
        if problem is not None:
            problems.append(problem)
    if not data.name.strip():
        problems.append(Problem("name", "单位名称不能为空", "the unit name is required", row))
    if normalise_kind(data.kind) is None:
        problems.append(
            Problem("kind", f"单位类型“{data.kind}”无效", f"unknown unit kind {data.kind!r}", row)
        )
    field = "community_id" if data.community_id is not None else "community_code"
    problem = community_problem(ctx, community, field, row)
    if problem is not None:
        problems.append(problem)
    for name, limit in _LIMITS.items():
        if len(str(getattr(data, name)).strip()) > limit:
            problems.append(
                Problem(name, f"最多{limit}个字符", f"at most {limit} characters", row),
            )
    return problems


def snapshot(unit: Unit) -> dict[str, object]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "community_id": unit.community_id,
        "address": unit.address,
        "contact_name": unit.contact_name,
        "active": unit.active,
    }


def insert_unit(ctx: Ctx, data: UnitInput, community: Jurisdiction) -> Unit:
    kind = normalise_kind(data.kind)
    assert kind is not None
    unit = Unit(
        code=normalise_code(data.code),
        name=data.name.strip(),
        kind=kind,
        community_id=community.id,
        jurisdiction_path=community.path,
        address=data.address.strip(),
        contact_name=data.contact_name.strip(),
        active=True,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(unit)
    ctx.session.flush()
    return unit


def create_unit(ctx: Ctx, data: UnitInput) -> Unit:
    ctx.actor.require(WRITE)
    community = resolve_community(ctx, data)
    problems = unit_problems(ctx, data, community)
    code = normalise_code(data.code)
    if code and repository.by_code(ctx.session, code) is not None:
        problems.append(
            Problem("code", f"单位代码“{code}”已登记", f"unit code {code!r} is already registered")
        )
    if problems:
        raise Invalid(problems)
    assert community is not None
    unit = insert_unit(ctx, data, community)
    audit.record(
        ctx, "unit.create", "unit", unit.id, unit.jurisdiction_path, code=unit.code, **snapshot(unit)
    )
    return unit


def apply_update(unit: Unit, data: UnitInput, community: Jurisdiction, ctx: Ctx) -> None:
    kind = normalise_kind(data.kind)
    assert kind is not None
    unit.name, unit.kind = data.name.strip(), kind
    unit.community_id, unit.jurisdiction_path = community.id, community.path
    unit.address, unit.contact_name = data.address.strip(), data.contact_name.strip()
    unit.updated_at = ctx.now


def update_unit(ctx: Ctx, unit_id: int, data: UnitInput) -> Unit:
    """Edit a unit's details; the code is its identity (imports match on it) and does not change."""
    ctx.actor.require(WRITE)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    community = resolve_community(ctx, data)
    problems = unit_problems(ctx, data, community, check_code=False)
    if problems:
        raise Invalid(problems)
    assert community is not None
    before = snapshot(unit)
    old_path = unit.jurisdiction_path
    apply_update(unit, data, community, ctx)
    audit.record(
        ctx, "unit.update", "unit", unit.id, old_path, code=unit.code, before=before, after=snapshot(unit)
    )
    return unit


def set_unit_active(ctx: Ctx, unit_id: int, active: bool) -> Unit:
    """Deactivate a unit that closed (its history stays) or bring it back."""
    ctx.actor.require(WRITE)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    if unit.active == active:
        state = ("已启用", "active") if active else ("已停用", "inactive")
        raise Conflict(f"该单位{state[0]}", f"the unit is already {state[1]}")
    unit.active, unit.updated_at = active, ctx.now
    verb = "unit.activate" if active else "unit.deactivate"
    audit.record(ctx, verb, "unit", unit.id, unit.jurisdiction_path, code=unit.code)
    if not active:
        ctx.publish(UnitDeactivated(unit.id, unit.jurisdiction_path))
    return unit


def _officer_account(ctx: Ctx, user_id: int) -> User:
    user, _home = access_user(ctx, user_id)
    if user.role != OFFICER_ROLE:
        raise invalid("user_id", "该账号不是单位健康专员", "that account is not a unit health officer")
    if not user.active:
        raise invalid("user_id", "该账号已停用", "that account is disabled")
    return user


def link_officer(ctx: Ctx, unit_id: int, user_id: int) -> UnitOfficer:
    """Let a unit officer account report for this unit (it then reaches this unit wherever it is)."""
    ctx.actor.require(WRITE)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    user = _officer_account(ctx, user_id)
    if repository.officer_link(ctx.session, unit.id, user.id) is not None:
        raise Conflict(
            f"“{user.username}”已是该单位的健康专员", f"{user.username!r} is already an officer of this unit"
        )
    link = UnitOfficer(unit_id=unit.id, user_id=user.id, created_at=ctx.now)
    ctx.session.add(link)
    ctx.session.flush()
    audit.record(
        ctx,
        "unit.officer_link",
        "unit",
        unit.id,
        unit.jurisdiction_path,
        user_id=user.id,
        username=user.username,
    )
    return link


def unlink_officer(ctx: Ctx, unit_id: int, user_id: int) -> None:
    ctx.actor.require(WRITE)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    link = repository.officer_link(ctx.session, unit.id, user_id)
    if link is None:
        raise NotFound("单位健康专员", "unit officer")
    ctx.session.delete(link)
    ctx.session.flush()
    audit.record(ctx, "unit.officer_unlink", "unit", unit.id, unit.jurisdiction_path, user_id=user_id)
