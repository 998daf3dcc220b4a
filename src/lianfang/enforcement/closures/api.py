"""JSON API of closure orders."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ
from lianfang.enforcement.closures import service
from lianfang.enforcement.models import ClosureOrder
from lianfang.enforcement.schemas import (
    ClosureIn,
    ClosureOut,
    ClosureResult,
)
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"])


@router.post("/closures", response_model=ClosureResult, status_code=201)
def order_closure(body: ClosureIn, ctx: Ctx = Depends(staff_ctx)) -> ClosureResult:
    order, closed = service.order_closure(ctx, body.venue_kind, body.jurisdiction_id, body.reason)
    return ClosureResult(order=ClosureOut.model_validate(order), closed_venue_ids=closed)


@router.get("/closures", response_model=list[ClosureOut])
def list_closures(after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> list[ClosureOut]:
    ctx.actor.require(READ)
    rows = repository.orders_page(
        ctx.session, subtree_filter(ctx.actor, ClosureOrder.jurisdiction_path), after, 200
    )
    return [ClosureOut.model_validate(o) for o in rows]


@router.post("/closures/{order_id}/lift", response_model=ClosureOut)
def lift_closure(order_id: int, ctx: Ctx = Depends(staff_ctx)) -> ClosureOut:
    return ClosureOut.model_validate(service.lift_closure(ctx, order_id))
