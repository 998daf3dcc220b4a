"""JSON API of isolation sites: create one with rooms, capacity, place a person in a room."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.control.access import access_order
from lianfang.control.schemas import (
    OrderRead,
    RoomAssign,
    SiteCreate,
)
from lianfang.control.sites import service as sites
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/control", tags=["control"])


@router.post("/orders/{order_id}/room", response_model=OrderRead)
def room(order_id: int, body: RoomAssign, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    sites.assign_room(ctx, order_id, body.room_id, body.site_id)
    return OrderRead.model_validate(access_order(ctx.session, ctx.actor, order_id))


@router.post("/sites", status_code=201)
def create_site(body: SiteCreate, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    site = sites.create_site(ctx, body.name, body.jurisdiction_id, body.address, body.rooms)
    return {"id": site.id, "name": site.name}


@router.get("/sites")
def capacity(ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    items, rooms, used = sites.capacity(ctx)
    return {
        "items": [
            {"id": c.site.id, "name": c.site.name, "rooms": c.rooms, "occupied": c.occupied, "free": c.free}
            for c in items
        ],
        "rooms": rooms,
        "occupied": used,
        "free": rooms - used,
    }
