"""Sampling sites, their teams, and labs."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.testing.access import ORDER, access_site
from lianfang.testing.models import (
    Lab,
    SamplingSite,
    SamplingTeam,
)


def _name_problem(name: str, field: str = "name") -> Problem | None:
    if not 1 <= len(name.strip()) <= 120:
        return Problem(field, "名称为1-120字", "a name has 1-120 characters")
    return None


def create_site(ctx: Ctx, name: str, jurisdiction_id: int, address: str = "") -> SamplingSite:
    ctx.actor.require(ORDER)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    if (problem := _name_problem(name)) is not None:
        raise Invalid([problem])
    site = SamplingSite(
        name=name.strip(),
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        address=address.strip()[:255],
        active=True,
        created_at=ctx.now,
    )
    ctx.session.add(site)
    ctx.session.flush()
    audit.record(ctx, "testing.site_created", "testing_site", site.id, place.path, name=site.name)
    return site


def create_team(ctx: Ctx, site_id: int, name: str) -> SamplingTeam:
    ctx.actor.require(ORDER)
    site = access_site(ctx.session, ctx.actor, site_id)
    if (problem := _name_problem(name)) is not None:
        raise Invalid([problem])
    taken = ctx.session.scalar(
        select(SamplingTeam.id).where(SamplingTeam.site_id == site.id, SamplingTeam.name == name.strip())
    )
    if taken is not None:
        raise Conflict("该采样点已有同名采样队", "the site already has a team of that name")
    team = SamplingTeam(
        site_id=site.id, name=name.strip(), jurisdiction_path=site.jurisdiction_path, created_at=ctx.now
    )
    ctx.session.add(team)
    ctx.session.flush()
    audit.record(ctx, "testing.team_created", "testing_team", team.id, site.jurisdiction_path, name=team.name)
    return team


def create_lab(ctx: Ctx, name: str, jurisdiction_id: int, daily_capacity: int) -> Lab:
    """A lab serves every site in its jurisdiction's subtree; capacity is tubes per local day."""
    ctx.actor.require(ORDER)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    problems = [p for p in [_name_problem(name)] if p]
    if not 1 <= daily_capacity <= 10_000_000:
        problems.append(
            Problem("daily_capacity", "日检测能力须为正整数", "daily capacity: a positive number")
        )
    if problems:
        raise Invalid(problems)
    lab = Lab(
        name=name.strip(),
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        daily_capacity=daily_capacity,
        active=True,
        created_at=ctx.now,
    )
    ctx.session.add(lab)
    ctx.session.flush()
    audit.record(ctx, "testing.lab_created", "testing_lab", lab.id, place.path, capacity=daily_capacity)
    return lab
