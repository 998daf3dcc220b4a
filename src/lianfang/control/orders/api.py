"""JSON API of control orders: issue, list per community, change days, release, delivery, send,
bulk actions and the documents PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from lianfang.control import repository
from lianfang.control import service as orders
from lianfang.control.access import READ, access_order, orders_filter
from lianfang.control.orders import render as documents
from lianfang.control.schemas import (
    Bulk,
    DaysChange,
    Delivery,
    OrderCreate,
    OrderPage,
    OrderRead,
    Release,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/control", tags=["control"])


@router.get("/orders", response_model=OrderPage)
def list_orders(
    community_id: int | None = None,
    status: str = "active",
    kind: str = "",
    person_class: str = "",
    team: str = "",
    view: str = "",
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> OrderPage:
    """Orders in reach by community, status, kind, class, team; view=release_due|missed (today)."""
    ctx.actor.require(READ)
    size = max(1, min(limit, 500))
    f = repository.OrderFilter(community_id, status, kind, person_class, team, view)
    query = repository.order_query(ctx.session, orders_filter(ctx.actor), f, orders.today(ctx))
    rows = repository.page(ctx.session, query, after, size)
    items = [OrderRead.model_validate(o) for o in rows[:size]]
    return OrderPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("/orders", response_model=OrderRead, status_code=201)
def issue_order(body: OrderCreate, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    """By hand, e.g. a discharged patient (person_class discharged, R11) or a sealed-zone resident."""
    data = orders.OrderInput(
        body.person_id,
        body.person_class,
        body.last_exposure_on,
        source="manual" if body.person_class != "discharged" else "hospital",
        source_ref=body.source_ref,
        given_how=body.given_how,
        work_prohibited=body.work_prohibited,
    )
    return OrderRead.model_validate(orders.issue_order(ctx, data))


@router.post("/orders/bulk")
def bulk(body: Bulk, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    result = orders.bulk(ctx, body.ids, body.action, body.days, body.reason, body.team)
    return {"done": result.done}


@router.get("/orders/documents.pdf")
def documents_pdf(ids: list[int] = Query(...), ctx: Ctx = Depends(staff_ctx)) -> Response:
    pdf = documents.orders_pdf(ctx, ids)
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": "inline; filename=orders.pdf"}
    )


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: int, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    ctx.actor.require(READ)
    return OrderRead.model_validate(access_order(ctx.session, ctx.actor, order_id))


@router.post("/orders/{order_id}/days", response_model=OrderRead)
def change_days(order_id: int, body: DaysChange, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    return OrderRead.model_validate(orders.change_days(ctx, order_id, body.days, body.reason))


@router.post("/orders/{order_id}/release", response_model=OrderRead)
def release(order_id: int, body: Release, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    return OrderRead.model_validate(orders.release(ctx, order_id, body.override_reason))


@router.post("/orders/{order_id}/delivery", response_model=OrderRead)
def delivery(order_id: int, body: Delivery, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    order = orders.record_delivery(ctx, order_id, body.given_how, body.delivered, body.work_prohibited)
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id}/send", status_code=202)
def send(order_id: int, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Send the order document to the person (through the notification outbox)."""
    orders.send_document(ctx, order_id)
    return {"queued": True}
