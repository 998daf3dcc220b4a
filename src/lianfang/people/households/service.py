"""Household verbs: register a household in a community, and a person joining or leaving one.

Buildings (楼栋): a community's residential buildings and the households in them. A residence seal
covers the case's building (RULES §3.2 居住地; §3.3 二十条 以单元、楼栋为单位), so control reads the
households of a building from here.

`buildings_from_addresses` derives buildings for households registered without one from their address
("…3号楼2单元501室" → building "3号楼" of the household's community), set-based: one insert of the new
buildings and one update per building."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lianfang.core import audit
from lianfang.core.access import Actor, access_scoped
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction, subtree_filter
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people import repository
from lianfang.people import rules as checks
from lianfang.people.access import access_household, access_person
from lianfang.people.models import Building, Household, Person
from lianfang.people.service import (
    MAX_PAGE,
    READ,
    WRITE,
    Diff,
    Page,
    household_in,
    record_update,
    resolve_community,
)


def create_household(ctx: Ctx, community_id: int, code: str, address: str = "") -> Household:
    ctx.actor.require(WRITE)
    problems: list[Problem] = []
    found, typed, field = resolve_community(ctx, community_id, "")
    community = checks.community(ctx.actor, found, typed, field, problems, None)
    code = checks.household_code(code, problems, None)
    if not code:
        problems.append(Problem("code", "请填写户号", "the household code is required"))
    address = checks.address(address, problems, None)
    if problems or community is None:
        raise Invalid(problems)
    if repository.household_by_code(ctx.session, community.id, code) is not None:
        problem = Problem("code", f"户号“{code}”在该社区已存在", f"household {code!r} already exists here")
        raise DomainError(problem.zh, problem.en, 409, [problem])
    return household_in(ctx, community, code, address)


def join_household(
    ctx: Ctx, person_id: int, household_id: int | None = None, code: str = "", address: str = ""
) -> Household:
    """Attach a person to a household of their community, by id or by code (created when new)."""
    ctx.actor.require(WRITE)
    person = access_person(ctx.session, ctx.actor, person_id)
    if household_id is not None:
        household = access_household(ctx.session, ctx.actor, household_id)
        if household.community_id != person.community_id:
            raise Invalid(
                [Problem("household_id", "住户不在此人所在社区", "the household is in another community")]
            )
    else:
        problems: list[Problem] = []
        code = checks.household_code(code, problems, None)
        if not code:
            problems.append(Problem("household_code", "请填写户号", "the household code is required"))
        if problems:
            raise Invalid(problems)
        community = access_jurisdiction(ctx.session, ctx.actor, person.community_id)
        household = household_in(ctx, community, code, checks.address(address, [], None))
    diff = Diff()
    diff.note("household_id", person.household_id, household.id)
    person.household_id = household.id
    record_update(ctx, person, diff)
    return household


def leave_household(ctx: Ctx, person_id: int) -> Person:
    ctx.actor.require(WRITE)
    person = access_person(ctx.session, ctx.actor, person_id)
    diff = Diff()
    diff.note("household_id", person.household_id, None)
    person.household_id = None
    record_update(ctx, person, diff)
    return person


def find_households(
    ctx: Ctx, community_id: int | None, after: int | None, limit: int = 50
) -> Page[Household]:
    ctx.actor.require(READ)
    path = access_jurisdiction(ctx.session, ctx.actor, community_id).path if community_id is not None else ""
    limit = max(1, min(limit, MAX_PAGE))
    scope = subtree_filter(ctx.actor, Household.jurisdiction_path)
    rows = repository.households_page(ctx.session, scope, path, after, limit + 1)
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


_BUILDING = re.compile(r"(\d{1,4})\s*(号楼|栋|幢)")


def building_code(address: str) -> str | None:
    """The building part of an address ("朝阳小区3号楼2单元501室" → "3号楼"), or None."""
    found = _BUILDING.search(address)
    return f"{int(found.group(1))}{found.group(2)}" if found else None


def access_building(session: Session, actor: Actor, building_id: int) -> Building:
    return access_scoped(session, actor, Building, building_id, "楼栋", "building")


def create_building(ctx: Ctx, community_id: int, code: str, address: str = "") -> Building:
    ctx.actor.require(WRITE)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    code = code.strip()
    problems: list[Problem] = []
    if community.level != "community":
        problems.append(Problem("community_id", "楼栋应属于社区", "a building belongs to a community"))
    if not 1 <= len(code) <= 40:
        problems.append(Problem("code", "楼栋编号为1-40字", "a building code has 1-40 characters"))
    if problems:
        raise Invalid(problems)
    taken = ctx.session.scalar(
        select(Building.id).where(Building.community_id == community.id, Building.code == code)
    )
    if taken is not None:
        zh, en = f"楼栋“{code}”在该社区已存在", f"building {code!r} already exists here"
        raise DomainError(zh, en, 409, [Problem("code", zh, en)])
    building = Building(
        code=code,
        community_id=community.id,
        jurisdiction_path=community.path,
        address=address.strip()[:255],
        created_at=ctx.now,
    )
    ctx.session.add(building)
    ctx.session.flush()
    audit.record(ctx, "building.create", "building", building.id, building.jurisdiction_path, code=code)
    return building


def place_households(ctx: Ctx, building_id: int, household_ids: Sequence[int]) -> int:
    """Put households of the building's community into it (all or none)."""
    ctx.actor.require(WRITE)
    building = access_building(ctx.session, ctx.actor, building_id)
    wanted = sorted(set(household_ids))
    found = dict(
        ctx.session.execute(
            select(Household.id, Household.community_id).where(Household.id.in_(wanted))
        ).all()
    )
    problems = [
        Problem(
            "household_ids", "住户不属于该楼栋所在社区", "a household is not in the building's community", row
        )
        for row, hid in enumerate(wanted, start=1)
        if found.get(hid) != building.community_id
    ]
    if problems:
        raise Invalid(problems)
    ctx.session.execute(update(Household).where(Household.id.in_(wanted)).values(building_id=building.id))
    audit.record(
        ctx, "building.households", "building", building.id, building.jurisdiction_path, households=wanted
    )
    return len(wanted)


def buildings_from_addresses(ctx: Ctx, path_prefix: str) -> int:
    """Buildings for the households of a subtree that have none, from their addresses; returns how many
    households were placed. Households whose address names no building keep none."""
    ctx.actor.require(WRITE)
    rows = ctx.session.execute(
        select(Household.id, Household.community_id, Household.jurisdiction_path, Household.address).where(
            in_subtree(Household.jurisdiction_path, path_prefix), Household.building_id.is_(None)
        )
    ).all()
    groups: dict[tuple[int, str], list[int]] = {}
    paths: dict[int, str] = {}
    addresses: dict[tuple[int, str], str] = {}
    for hid, cid, path, address in rows:
        code = building_code(address or "")
        if code is None:
            continue
        groups.setdefault((cid, code), []).append(hid)
        paths[cid] = path
        addresses.setdefault((cid, code), (address or "").split(code)[0] + code)
    existing = {
        (cid, code): bid
        for bid, cid, code in ctx.session.execute(
            select(Building.id, Building.community_id, Building.code).where(
                in_subtree(Building.jurisdiction_path, path_prefix)
            )
        )
    }
    new = [key for key in groups if key not in existing]
    for cid, code in new:
        building = Building(
            code=code,
            community_id=cid,
            jurisdiction_path=paths[cid],
            address=addresses[(cid, code)][:255],
            created_at=ctx.now,
        )
        ctx.session.add(building)
        ctx.session.flush()
        existing[(cid, code)] = building.id
    for key, ids in groups.items():
        ctx.session.execute(update(Household).where(Household.id.in_(ids)).values(building_id=existing[key]))
    placed = sum(len(ids) for ids in groups.values())
    audit.record(
        ctx, "building.derive", "jurisdiction", None, path_prefix, buildings=len(new), households=placed
    )
    return placed


def households_of(session: Session, building_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Household.id).where(Household.building_id == building_id).order_by(Household.id)
        )
    )


def residents_of(session: Session, building_id: int) -> list[int]:
    """The registered residents of a building (people of its households)."""
    homes = select(Household.id).where(Household.building_id == building_id)
    return list(session.scalars(select(Person.id).where(Person.household_id.in_(homes)).order_by(Person.id)))
