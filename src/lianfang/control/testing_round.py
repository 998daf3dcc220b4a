"""Ordering a testing round for zones (RULES.md §5: 封控区 单采单检, 管控区 10合1, 防范区 and elsewhere
20合1). Testing sits below control, so control hands the zones over as testing understands them: each
zone's level as its kind, its community, the households of a building zone, a reference
("control_zone:<id>") and its name. The round covers an area (a district, usually) at the elsewhere
mode; a zone's mode follows its level unless the command picks 1户1管 for sealed zones."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from lianfang.control.access import READ, access_zone
from lianfang.control.models import ControlZone, ControlZonePlace
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import staff_ctx
from lianfang.testing import service as testing_service
from lianfang.testing.models import TestingRound
from lianfang.testing.schemas import RoundRead
from lianfang.testing.zones import ZoneArea

router = APIRouter(prefix="/api/control", tags=["control"])


def zone_areas(ctx: Ctx, zones: list[ControlZone], sealed_mode: str | None = None) -> list[ZoneArea]:
    """Zones as round areas. A building zone covers its households; a venue or unit zone has no
    residents of its own and is left to the area's mode (its people are sampled where they live)."""
    ids = [z.id for z in zones]
    places = ctx.session.execute(
        select(ControlZonePlace.zone_id, ControlZonePlace.place_id).where(
            ControlZonePlace.zone_id.in_(ids), ControlZonePlace.place_type == "household"
        )
    ).all()
    households: dict[int, list[int]] = {}
    for zone_id, place_id in places:
        households.setdefault(zone_id, []).append(place_id)
    areas = []
    for zone in zones:
        if zone.source not in ("community", "building"):
            continue
        homes = tuple(sorted(households.get(zone.id, []))) if zone.source == "building" else ()
        if zone.source == "building" and not homes:
            continue  # a workplace (unit) zone drawn by a proposal: no households, not a community zone
        mode = sealed_mode if sealed_mode and zone.level in ("sealed", "high") else None
        areas.append(
            ZoneArea(zone.community_id, zone.level, mode, homes, f"control_zone:{zone.id}", zone.name)
        )
    return areas


def order_round_for_zones(
    ctx: Ctx,
    name: str,
    area_jurisdiction_id: int,
    zone_ids: list[int],
    default_mode: str = "pool20",
    deadline: datetime | None = None,
    sealed_mode: str | None = None,
) -> TestingRound:
    """A round over an area with the pooling mode of each active zone (testing checks the order)."""
    ctx.actor.require(READ)
    zones = [access_zone(ctx.session, ctx.actor, zid) for zid in sorted(set(zone_ids))]
    lifted = [z.id for z in zones if z.status != "active"]
    if lifted:
        raise Invalid([Problem("zone_ids", "区域已解封，不能再按区域组织检测", "a zone has been lifted")])
    data = testing_service.RoundInput(
        name, area_jurisdiction_id, default_mode, deadline, zones=tuple(zone_areas(ctx, zones, sealed_mode))
    )
    return testing_service.order_round(ctx, data)


class ZoneRoundIn(BaseModel):
    name: str = Field(max_length=120)
    area_jurisdiction_id: int
    zone_ids: list[int] = Field(min_length=1, max_length=500)
    default_mode: str = Field(default="pool20", description="the mode outside the zones")
    deadline: datetime | None = None
    sealed_mode: str | None = Field(default=None, description="single (default) or household")


@router.post("/testing-rounds", status_code=201, response_model=RoundRead)
def order_zone_round(body: ZoneRoundIn, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    """Order a testing round over an area with the zones' pooling modes (sealed: single tubes, or one
    household a tube; controlled: 10-in-1; elsewhere: the default, 20-in-1)."""
    item = order_round_for_zones(
        ctx,
        body.name,
        body.area_jurisdiction_id,
        body.zone_ids,
        body.default_mode,
        body.deadline,
        body.sealed_mode,
    )
    return RoundRead.model_validate(item)
