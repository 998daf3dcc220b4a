"""Zones in a testing round: the pooling mode per zone (RULES.md §5, 2022 practice: 封控区 单采单检 or
1户1管, 管控区 10合1, 防范区 and elsewhere 20合1).

Testing sits below the control module that draws zones, so it knows a zone only as what the caller
hands over: its kind (control's level), its community, for a building zone the households it covers,
an opaque reference (e.g. "control_zone:12") and a name. Each becomes a `RoundArea` row; the writer's
checks (`register`) then refuse a sealed-zone resident in a pooled tube, and `open_tube` picks the
zone's mode for a site inside a community zone. Re-sending a zone (same reference) updates it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Household
from lianfang.testing import rules
from lianfang.testing.models import RoundArea, TestingRound


@dataclass(frozen=True)
class ZoneArea:
    community_id: int
    kind: str  # rules.ZONE_KINDS
    mode: str | None = None  # default: rules.ZONE_MODES[kind]
    households: tuple[int, ...] = ()  # a building zone; empty: the whole community
    ref: str = ""  # the caller's reference; default "zone:<community>:<kind>"
    name: str = ""


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
