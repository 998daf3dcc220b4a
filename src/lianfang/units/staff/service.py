"""Use cases over a unit's staff list: add, change and end memberships. A person is found by person id
or ID number, only within the actor's read scope; a person may belong to several units, but not study
and work in the same one. Writes audit rows; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem, invalid
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, id_number_problem, normalise_id_number
from lianfang.units import repository
from lianfang.units.access import access_unit, require_staff_manager
from lianfang.units.events import UnitStaffChanged
from lianfang.units.models import Unit, UnitMembership
from lianfang.units.rules import (
    ROLES,
    normalise_code,
    normalise_role,
    role_conflict,
    role_kind_problem,
    via_unit_problem,
)

OTHER_ID_KINDS = ("passport", "other")


@dataclass(frozen=True)
class MemberInput:
    role: str
    person_id: int | None = None
    id_number: str = ""
    group_name: str = ""
    via_unit_id: int | None = None
    via_unit_code: str = ""
    start_date: date | None = None


def lookup_hashes(ctx: Ctx, number: str) -> list[str]:
    """Keyed hashes to try for an ID number: a resident ID when it is one, else passport / other IDs."""
    today = local_date(ctx.now)
    if id_number_problem(number, today) is None:
        return [id_hash(ctx.settings, "resident_id", number)]
    return [id_hash(ctx.settings, kind, number) for kind in OTHER_ID_KINDS]


def _not_found(field: str, row: int | None) -> Problem:
    return Problem(
        field,
        "登记册中没有该人员，或其不在您的辖区内",
        "no such person in the registry, or not in your jurisdiction",
        row,
    )


def person_problem(
    ctx: Ctx, person: Person | None, number: str, person_id: int | None, row: int | None
) -> Problem | None:
    """Why `person` cannot be used: missing input, a malformed ID number, or out of the read scope."""
    field = "person_id" if person_id is not None else "id_number"
    if person_id is None and not number.strip():
        return Problem("id_number", "请填写身份证号或人员编号", "give an ID number or a person id", row)
    if person is not None and ctx.actor.can("registry.read") and ctx.actor.covers(person.jurisdiction_path):
        return None
    if person is not None and person_id is None and ctx.actor.can("units.staff"):
        return None  # a unit officer holding the employee's full ID number may register them
    if person is None and person_id is None and len(normalise_id_number(number)) == 18:
        # An 18-character number is meant as a resident ID: say what is wrong with it, if anything.
        shape = id_number_problem(number, local_date(ctx.now), "id_number", row)
        if shape is not None:
            return shape
    return _not_found(field, row)


def find_person(ctx: Ctx, person_id: int | None, number: str, row: int | None = None) -> Person:
    if person_id is not None:
        person = ctx.session.get(Person, person_id)
    elif number.strip():
        hashes = lookup_hashes(ctx, number)
        person = ctx.session.scalar(select(Person).where(Person.id_hash.in_(hashes)))
    else:
        person = None
    problem = person_problem(ctx, person, number, person_id, row)
    if problem is not None:
        raise Invalid([problem])
    assert person is not None
    return person


def resolve_via(
    ctx: Ctx, unit: Unit, via_id: int | None, via_code: str, row: int | None = None
) -> tuple[Unit | None, Problem | None]:
    """The placing company, by id or code. Companies are found city-wide: a dispatch company registered
    in one district places its people in units of another (their codes are public registration data)."""
    if via_id is None and not via_code.strip():
        return None, None
    field = "via_unit_id" if via_id is not None else "via_unit_code"
    via = (
        ctx.session.get(Unit, via_id)
        if via_id is not None
        else repository.by_code(ctx.session, normalise_code(via_code))
    )
    problem = via_unit_problem(
        via.kind if via else None, bool(via and via.active), bool(via and via.id == unit.id), field, row
    )
    return (None, problem) if problem else (via, None)


def _manageable_unit(ctx: Ctx, unit_id: int) -> Unit:
    require_staff_manager(ctx.actor)
    return access_unit(ctx.session, ctx.actor, unit_id)


def role_of(raw: str, unit: Unit, row: int | None = None) -> tuple[str | None, list[Problem]]:
    role = normalise_role(raw)
    if role is None:
        return None, [Problem("role", f"人员类别“{raw}”无效", f"unknown role {raw!r}", row)]
    problem = role_kind_problem(role, unit.kind, "role", row)
    return role, [problem] if problem else []


def _member_state(item: UnitMembership) -> dict[str, object]:
    return {
        "role": item.role,
        "group_name": item.group_name,
        "via_unit_id": item.via_unit_id,
        "start_date": item.start_date.isoformat() if item.start_date else None,
        "end_date": item.end_date.isoformat() if item.end_date else None,
    }


def add_member(ctx: Ctx, unit_id: int, data: MemberInput) -> UnitMembership:
    unit = _manageable_unit(ctx, unit_id)
    problems: list[Problem] = []
    if not unit.active:
        problems.append(Problem("unit", "该单位已停用", "the unit is inactive"))
    role, role_problems = role_of(data.role, unit)
    problems += role_problems
    try:
        person: Person | None = find_person(ctx, data.person_id, data.id_number)
    except Invalid as exc:
        person, problems = None, problems + exc.problems
    via, via_problem = resolve_via(ctx, unit, data.via_unit_id, data.via_unit_code)
    problems += [via_problem] if via_problem else []
    if problems:
        raise Invalid(problems)
    assert person is not None and role is not None
    current = repository.membership(ctx.session, unit.id, person.id)
    if current is not None and current.end_date is None:
        conflict = role_conflict(current.role, role)
        if conflict is not None:
            raise Invalid([conflict])
        raise Conflict(
            f"该人员已是本单位的{ROLES[current.role][0]}，如需更改请编辑",
            f"this person is already {ROLES[current.role][1].lower()} of this unit; edit that entry instead",
        )
    start = data.start_date or local_date(ctx.now)
    if current is None:
        current = UnitMembership(unit_id=unit.id, person_id=person.id, created_at=ctx.now)
        ctx.session.add(current)
    current.role, current.group_name = role, data.group_name.strip()[:120]
    current.via_unit_id = via.id if via else None
    current.start_date, current.end_date = start, None
    ctx.session.flush()
    audit.record(
        ctx,
        "unit.member_add",
        "unit_membership",
        current.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        person_id=person.id,
        **_member_state(current),
    )
    ctx.publish(UnitStaffChanged(unit.id, person.id, "added"))
    return current


def _membership(ctx: Ctx, unit: Unit, membership_id: int) -> UnitMembership:
    item = ctx.session.get(UnitMembership, membership_id)
    if item is None or item.unit_id != unit.id:
        raise NotFound("人员登记", "membership")
    return item


def update_member(
    ctx: Ctx,
    unit_id: int,
    membership_id: int,
    role: str,
    group_name: str,
    via_unit_id: int | None = None,
    via_unit_code: str = "",
) -> UnitMembership:
    unit = _manageable_unit(ctx, unit_id)
    item = _membership(ctx, unit, membership_id)
    wanted, problems = role_of(role, unit)
    via, via_problem = resolve_via(ctx, unit, via_unit_id, via_unit_code)
    problems += [via_problem] if via_problem else []
    if problems:
        raise Invalid(problems)
    assert wanted is not None
    before = _member_state(item)
    item.role, item.group_name, item.via_unit_id = wanted, group_name.strip()[:120], via.id if via else None
    audit.record(
        ctx,
        "unit.member_update",
        "unit_membership",
        item.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        person_id=item.person_id,
        before=before,
        after=_member_state(item),
    )
    ctx.publish(UnitStaffChanged(unit.id, item.person_id, "updated"))
    return item


def end_member(ctx: Ctx, unit_id: int, membership_id: int, end_date: date | None = None) -> UnitMembership:
    unit = _manageable_unit(ctx, unit_id)
    item = _membership(ctx, unit, membership_id)
    if item.end_date is not None:
        raise Conflict("该人员已离开本单位", "this person has already left the unit")
    end = end_date or local_date(ctx.now)
    if item.start_date is not None and end < item.start_date:
        raise invalid("end_date", "离开日期不能早于加入日期", "the end date is before the start date")
    item.end_date = end
    audit.record(
        ctx,
        "unit.member_end",
        "unit_membership",
        item.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        person_id=item.person_id,
        end_date=end.isoformat(),
    )
    ctx.publish(UnitStaffChanged(unit.id, item.person_id, "ended"))
    return item
