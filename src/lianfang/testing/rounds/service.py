"""Testing rounds for the command: order a round over an area, pooling modes per area, zones in a round
(the pooling mode per zone, RULES.md §5, 2022 practice: 封控区 单采单检, 管控区 10合1, 防范区 and
elsewhere 20合1; testing knows zones only as what the caller hands over), close a round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Household, Person
from lianfang.testing import rules
from lianfang.testing.access import ORDER, access_round
from lianfang.testing.events import RoundOrdered
from lianfang.testing.models import (
    RoundArea,
    RoundProgress,
    TestingRound,
)
from lianfang.testing.rules import ZoneArea


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


def zone_problems(ctx: Ctx, area_path: str, zones: Sequence[ZoneArea]) -> list[Problem]:
    problems: list[Problem] = []
    ids = {z.community_id for z in zones}
    places = {j.id: j for j in ctx.session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(ids)))}
    wanted = {h for z in zones for h in z.households}
    homes = dict(
        ctx.session.execute(
            select(Household.id, Household.community_id).where(Household.id.in_(wanted))
        ).all()
    )
    for row, zone in enumerate(zones, start=1):
        place = places.get(zone.community_id)
        if place is None or not place.path.startswith(area_path):
            problems.append(Problem("zones", "区域不在本轮范围内", "a zone is outside the round's area", row))
        if (p := rules.zone_kind_problem(zone.kind)) is not None:
            problems.append(Problem(p.field, p.zh, p.en, row))
        if zone.mode is not None and (p := rules.mode_problem(zone.mode, "zones")) is not None:
            problems.append(Problem(p.field, p.zh, p.en, row))
        if any(homes.get(h) != zone.community_id for h in zone.households):
            zh, en = "住户不属于该区域所在社区", "a household is not in the zone's community"
            problems.append(Problem("zones", zh, en, row))
        if len(zone.ref) > 40 or len(zone.name) > 200:
            zh, en = "区域编号或名称过长", "a zone reference or name is too long"
            problems.append(Problem("zones", zh, en, row))
    return problems


def add_zones(ctx: Ctx, item: TestingRound, zones: Sequence[ZoneArea]) -> list[RoundArea]:
    """Validate (raising `Invalid`) and store the zones of a round; the caller has checked permission."""
    problems = zone_problems(ctx, item.area_path, zones)
    if problems:
        raise Invalid(problems)
    existing = {
        (a.jurisdiction_id, a.zone_ref): a
        for a in ctx.session.scalars(select(RoundArea).where(RoundArea.round_id == item.id))
    }
    paths = dict(
        ctx.session.execute(
            select(Jurisdiction.id, Jurisdiction.path).where(
                Jurisdiction.id.in_({z.community_id for z in zones})
            )
        ).all()
    )
    stored: list[RoundArea] = []
    for zone in zones:
        ref = zone.ref or f"zone:{zone.community_id}:{zone.kind}"
        mode = zone.mode or rules.ZONE_MODES[zone.kind]
        area = existing.get((zone.community_id, ref))
        if area is None:
            area = RoundArea(round_id=item.id, jurisdiction_id=zone.community_id, zone_ref=ref)
            ctx.session.add(area)
        area.jurisdiction_path = paths[zone.community_id]
        area.mode, area.zone_kind, area.zone_name = mode, zone.kind, zone.name.strip()
        area.households = sorted(set(zone.households))
        stored.append(area)
    ctx.session.flush()
    audit.record(
        ctx,
        "testing.zones",
        "testing_round",
        item.id,
        item.area_path,
        zones=[[a.zone_ref, a.zone_kind, a.mode, len(a.households)] for a in stored],
    )
    return stored


def zone_label(kind: str) -> tuple[str, str]:
    return rules.ZONE_KINDS.get(kind, ("", ""))
