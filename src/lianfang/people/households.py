"""Household verbs: register a household in a community, and a person joining or leaving one."""

from __future__ import annotations

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction, subtree_filter
from lianfang.people import checks, repository
from lianfang.people.access import access_household, access_person
from lianfang.people.models import Household, Person
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
