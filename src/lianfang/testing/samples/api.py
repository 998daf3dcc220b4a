"""JSON API of tubes and samples: open a tube, add samples (the hot paths serve them first), close, ship,
receive."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import runtime_of, staff_ctx
from lianfang.testing.access import READ, access_tube
from lianfang.testing.models import Tube, TubeResult
from lianfang.testing.samples import hot as fast
from lianfang.testing.samples import service as tubes
from lianfang.testing.schemas import (
    SamplesBatchIn,
    SamplesBatchOut,
    SamplesIn,
    SamplesOut,
    ShipmentCreate,
    ShipmentRead,
    TubeOpen,
    TubeRead,
)

router = APIRouter(prefix="/api/testing", tags=["testing"])


def tube_read(ctx: Ctx, tube: Tube) -> TubeRead:
    read = TubeRead.model_validate(tube)
    stored = ctx.session.get(TubeResult, tube.id)
    if stored is not None:
        read.result, read.reported_at = stored.result, stored.reported_at
    return read


@router.post("/tubes", status_code=201, response_model=TubeRead, responses={200: {"model": TubeRead}})
def open_tube(body: TubeOpen, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Open a tube (scan its barcode); opening the same open barcode at the same site again returns it."""
    tube, created = tubes.open_tube(ctx, body.barcode, body.site_id, body.round_id, body.team_id, body.mode)
    body_json = tube_read(ctx, tube).model_dump_json()
    return Response(body_json, status_code=201 if created else 200, media_type="application/json")


@router.get("/tubes/{barcode}", response_model=TubeRead)
def get_tube(barcode: str, ctx: Ctx = Depends(staff_ctx)) -> TubeRead:
    ctx.actor.require(READ)
    return tube_read(ctx, access_tube(ctx.session, ctx.actor, barcode))


MEDIA = "application/json"


@router.post(
    "/tubes/{barcode}/samples",
    responses={200: {"model": SamplesOut}},
    openapi_extra={
        "requestBody": {"content": {MEDIA: {"schema": SamplesIn.model_json_schema()}}, "required": True}
    },
)
async def add_samples(barcode: str, request: Request) -> Response:
    """Add persons' samples to an open tube (all or nothing); a person already in it is a `duplicate`.
    Answers once the samples are committed (group commit with concurrent requests). Served by
    `fast.endpoints`, a hot path of the app ahead of the router; this route documents it and serves
    the same way if it is ever reached."""
    status, body = await fast.post_samples(request, fast.state_for(runtime_of(request)))
    return Response(body, status_code=status, media_type=MEDIA)


@router.post(
    "/samples/batch",
    responses={200: {"model": SamplesBatchOut}},
    openapi_extra={
        "requestBody": {"content": {MEDIA: {"schema": SamplesBatchIn.model_json_schema()}}, "required": True}
    },
)
async def add_samples_batch(request: Request) -> Response:
    """A team's device uploads many tubes' scans (up to 2,000 tubes): each tube is all or nothing and
    answered on its own (`ok`, or its `error` with row); re-sending the batch adds nothing. A hot path
    like the single-tube route."""
    status, body = await fast.post_batch(request, fast.state_for(runtime_of(request)))
    return Response(body, status_code=status, media_type=MEDIA)


@router.post("/tubes/{barcode}/close", response_model=TubeRead)
def close_tube(barcode: str, ctx: Ctx = Depends(staff_ctx)) -> TubeRead:
    return tube_read(ctx, tubes.close_tube(ctx, barcode))


@router.post("/shipments", status_code=201, response_model=ShipmentRead)
def ship(body: ShipmentCreate, ctx: Ctx = Depends(staff_ctx)) -> ShipmentRead:
    """Ship closed tubes of a site; the lab with the most room today that serves the site gets them."""
    return ShipmentRead.model_validate(tubes.ship(ctx, body.site_id, body.barcodes))


@router.post("/shipments/{shipment_id}/receive", response_model=ShipmentRead)
def receive(shipment_id: int, ctx: Ctx = Depends(staff_ctx)) -> ShipmentRead:
    return ShipmentRead.model_validate(tubes.receive(ctx, shipment_id))
