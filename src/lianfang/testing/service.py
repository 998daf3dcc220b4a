"""Testing use cases for the command: order a round over an area, pooling modes per area, sampling sites,
teams and labs. Tubes are in `tubes`, results in `results`, progress in `progress`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Person
from lianfang.testing import rules
from lianfang.testing.access import ORDER, access_round, access_site
from lianfang.testing.events import RoundOrdered
from lianfang.testing.models import (
    Lab,
    RoundArea,
    RoundProgress,
    SamplingSite,
    SamplingTeam,
    TestingRound,
)
from lianfang.testing.zones import ZoneArea, add_zones


@dataclass(frozen=True)
class RoundInput:
    name: str
    area_jurisdiction_id: int
    default_mode: str = rules.DEFAULT_MODE
    deadline: datetime | None = None
    note: str = ""
    areas: tuple[tuple[int, str], ...] = ()  # (jurisdiction id, mode) overrides
    zones: tuple[ZoneArea, ...] = ()  # zones with their kind (and mode), from the control module


def order_round(ctx: Ctx, data: RoundInput) -> TestingRound:
    """Order a testing round over a jurisdiction subtree. The deadline defaults to 24 hours (3rd ed.
    guide); the expected population per community is taken from the people registry now."""
    ctx.actor.require(ORDER)
    area = access_jurisdiction(ctx.session, ctx.actor, data.area_jurisdiction_id)
    deadline = data.deadline or rules.default_deadline(ctx.now)
    problems = rules.round_problems(ctx.now, data.name.strip(), deadline, data.default_mode)
    overrides: list[tuple[Jurisdiction, str]] = []
    for jid, mode in data.areas:
        place = ctx.session.get(Jurisdiction, jid)
        if place is None or not place.path.startswith(area.path):
            problems.append(Problem("areas", "分区不在本轮范围内", "an area is outside the round's area"))
        elif (p := rules.mode_problem(mode, "areas")) is not None:
            problems.append(p)
        else:
            overrides.append((place, mode))
    if problems:
        raise Invalid(problems)
    item = TestingRound(
        name=data.name.strip(),
        area_jurisdiction_id=area.id,
        area_path=area.path,
        default_mode=data.default_mode,
        ordered_at=ctx.now,
        deadline_at=deadline,
        note=data.note.strip()[:500],
        ordered_by_user_id=ctx.actor.user_id,
        status="open",
    )
    ctx.session.add(item)
    ctx.session.flush()
    for place, mode in overrides:
        ctx.session.add(
            RoundArea(round_id=item.id, jurisdiction_id=place.id, jurisdiction_path=place.path, mode=mode)
        )
    if data.zones:
        add_zones(ctx, item, data.zones)
    item.expected = _seed_progress(ctx, item)
    audit.record(
        ctx,
        "testing.round_ordered",
        "testing_round",
        item.id,
        area.path,
        name=item.name,
        deadline=deadline.isoformat(),
        mode=item.default_mode,
        expected=item.expected,
        areas=[[p.id, m] for p, m in overrides],
        zones=len(data.zones),
    )
    ctx.publish(RoundOrdered(item.id, item.area_path, item.deadline_at))
    return item


def _seed_progress(ctx: Ctx, item: TestingRound) -> int:
    """One progress row per community of the area with its registered population (one GROUP BY on the
    people index (jurisdiction_path, id))."""
    counts = ctx.session.execute(
        select(Person.community_id, Person.jurisdiction_path, func.count())
        .where(in_subtree(Person.jurisdiction_path, item.area_path))
        .group_by(Person.community_id, Person.jurisdiction_path)
    ).all()
    ctx.session.add_all(
        RoundProgress(
            round_id=item.id, community_id=cid, jurisdiction_path=path, expected=n, refreshed_at=ctx.now
        )
        for cid, path, n in counts
    )
    ctx.session.flush()
    return sum(int(n) for _, _, n in counts)


def set_area_mode(ctx: Ctx, round_id: int, jurisdiction_id: int, mode: str) -> RoundArea:
    ctx.actor.require(ORDER)
    item = access_round(ctx.session, ctx.actor, round_id, manage=True)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    problem = rules.mode_problem(mode)
    if problem:
        raise Invalid([problem])
    if not place.path.startswith(item.area_path):
        raise Invalid([Problem("jurisdiction_id", "分区不在本轮范围内", "the area is outside the round")])
    area = ctx.session.scalar(
        select(RoundArea).where(RoundArea.round_id == item.id, RoundArea.jurisdiction_id == place.id)
    )
    before = area.mode if area else None
    if area is None:
        area = RoundArea(round_id=item.id, jurisdiction_id=place.id, jurisdiction_path=place.path, mode=mode)
        ctx.session.add(area)
    area.mode = mode
    ctx.session.flush()
    audit.record(ctx, "testing.area_mode", "testing_round", item.id, place.path, before=before, after=mode)
    return area


def set_zones(ctx: Ctx, round_id: int, zones: list[ZoneArea]) -> list[RoundArea]:
    """Add or update zones of an open round (zones drawn after the round was ordered)."""
    ctx.actor.require(ORDER)
    item = access_round(ctx.session, ctx.actor, round_id, manage=True)
    if item.status != "open":
        raise Conflict("该轮次已结束", "the round is already closed")
    return add_zones(ctx, item, zones)


def close_round(ctx: Ctx, round_id: int) -> TestingRound:
    ctx.actor.require(ORDER)
    item = access_round(ctx.session, ctx.actor, round_id, manage=True)
    if item.status != "open":
        raise Conflict("该轮次已结束", "the round is already closed")
    item.status = "closed"
    audit.record(ctx, "testing.round_closed", "testing_round", item.id, item.area_path)
    return item


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
