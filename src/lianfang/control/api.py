"""JSON API for control: orders (issue, list per community, change, release, delivery, bulk, documents,
rooms, daily reports), zones (draw, check, record a round, lift), proposals (confirm), isolation sites."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from lianfang.control import (
    documents,
    monitoring,
    orders,
    proposals,
    repository,
    sites,
    zone_rounds,
    zones,
)
from lianfang.control.access import READ, access_order, access_proposal, access_zone, orders_filter
from lianfang.control.models import ControlProposal, ControlZone
from lianfang.control.schemas import (
    Bulk,
    DaysChange,
    Delivery,
    OrderCreate,
    OrderPage,
    OrderRead,
    ProposalRead,
    Release,
    ReportCreate,
    ReportRead,
    RoomAssign,
    RoundReadingRead,
    RoundRecord,
    SiteCreate,
    ZoneCheck,
    ZoneCreate,
    ZoneLift,
    ZoneRead,
)
from lianfang.core.context import Ctx
from lianfang.core.web import get_ctx, staff_ctx
from lianfang.jurisdictions.access import subtree_filter

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


@router.post("/orders/{order_id}/room", response_model=OrderRead)
def room(order_id: int, body: RoomAssign, ctx: Ctx = Depends(staff_ctx)) -> OrderRead:
    sites.assign_room(ctx, order_id, body.room_id, body.site_id)
    return OrderRead.model_validate(access_order(ctx.session, ctx.actor, order_id))


@router.post("/orders/{order_id}/reports", response_model=ReportRead, status_code=201)
def report(order_id: int, body: ReportCreate, ctx: Ctx = Depends(get_ctx, scope="function")) -> ReportRead:
    """Staff (control.write) or the resident whose order it is."""
    return ReportRead.model_validate(monitoring.record_report(ctx, order_id, body.temperature, body.symptoms))


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


@router.get("/proposals")
def list_proposals(
    status: str = "proposed", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, ControlProposal.jurisdiction_path)
    rows = repository.proposals(ctx.session, scope, status, after, 50)
    items = [ProposalRead.model_validate(p).model_dump(mode="json") for p in rows[:50]]
    return {"items": items, "next_after": items[-1]["id"] if len(rows) > 50 else None}


@router.get("/proposals/{proposal_id}", response_model=ProposalRead)
def get_proposal(proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> ProposalRead:
    ctx.actor.require(READ)
    return ProposalRead.model_validate(access_proposal(ctx.session, ctx.actor, proposal_id))


@router.post("/proposals/{proposal_id}/confirm", response_model=ProposalRead)
def confirm(proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> ProposalRead:
    return ProposalRead.model_validate(proposals.confirm(ctx, proposal_id))


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
