"""JSON API of zones: draw, list, check the lifting rule, record a round, lift, order a testing round."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from lianfang.control import repository
from lianfang.control.access import READ, access_zone
from lianfang.control.models import ControlZone
from lianfang.control.schemas import (
    RoundReadingRead,
    RoundRecord,
    ZoneCheck,
    ZoneCreate,
    ZoneLift,
    ZoneRead,
)
from lianfang.control.zones import service as zones
from lianfang.control.zones import views as zone_rounds
from lianfang.control.zones.service import order_round_for_zones
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.jurisdictions.access import subtree_filter
from lianfang.testing.schemas import RoundRead

router = APIRouter(prefix="/api/control", tags=["control"])


@router.get("/zones")
def list_zones(
    status: str = "active", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    ctx.actor.require(READ)
    rows = repository.zones(
        ctx.session, subtree_filter(ctx.actor, ControlZone.jurisdiction_path), status, after, 50
    )
    items = [ZoneRead.model_validate(z).model_dump(mode="json") for z in rows[:50]]
    return {"items": items, "next_after": items[-1]["id"] if len(rows) > 50 else None}


@router.post("/zones", response_model=ZoneRead, status_code=201)
def create_zone(body: ZoneCreate, ctx: Ctx = Depends(staff_ctx)) -> ZoneRead:
    places = [("household", i) for i in body.households] + [("unit", i) for i in body.units]
    places += [("venue", i) for i in body.venues] + [("building", i) for i in body.buildings]
    data = zones.ZoneInput(
        body.name, body.level, body.source, body.community_id, body.started_on, places=places
    )
    return ZoneRead.model_validate(zones.create_zone(ctx, data))


@router.get("/zones/{zone_id}/check", response_model=ZoneCheck)
def check_zone(zone_id: int, ctx: Ctx = Depends(staff_ctx)) -> ZoneCheck:
    ctx.actor.require(READ)
    zone = access_zone(ctx.session, ctx.actor, zone_id)
    readings = zone_rounds.read_rounds(ctx, zone)
    result = zones.check(ctx, zone, readings)
    unmet = [{"message": zh, "message_en": en} for zh, en in result.unmet]
    return ZoneCheck(
        met=result.met,
        next_level=result.next_level,
        unmet=unmet,
        citation=result.citation,
        round_on=zones.round_on(zone, readings),
        round_entered_on=zone.round_negative_on,
        rounds=[RoundReadingRead.model_validate(r) for r in readings],
    )


@router.post("/zones/{zone_id}/round", response_model=ZoneRead)
def record_round(zone_id: int, body: RoundRecord, ctx: Ctx = Depends(staff_ctx)) -> ZoneRead:
    return ZoneRead.model_validate(zones.record_round(ctx, zone_id, body.on, body.note))


@router.post("/zones/{zone_id}/lift", response_model=ZoneRead)
def lift_zone(zone_id: int, body: ZoneLift, ctx: Ctx = Depends(staff_ctx)) -> ZoneRead:
    return ZoneRead.model_validate(zones.lift(ctx, zone_id, body.override_reason))


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
