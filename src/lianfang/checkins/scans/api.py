"""JSON API of scans: post one (gate devices; the hot path serves it first), check out, a venue's scans,
a resident's own scans. Writes answer only after their commit (`durable_*` contexts commit before the
response is sent; single scans await the group-commit writer)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.checkins.access import own_persons
from lianfang.checkins.models import Scan
from lianfang.checkins.scans import repository, service
from lianfang.checkins.scans.hot import post_scan
from lianfang.checkins.scans.schemas import (
    CheckoutIn,
    ScanIn,
    ScanPage,
    ScanRead,
    ScanResult,
    ScanRow,
)
from lianfang.checkins.scans.views import state_for
from lianfang.core.clock import end_of_local_day, utcnow
from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden, Unauthenticated
from lianfang.core.web import get_ctx, resident_ctx, runtime_of, staff_ctx
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.venues.access import access_venue

router = APIRouter(prefix="/api", tags=["checkins"])


MEDIA = "application/json"


def durable_ctx(ctx: Ctx = Depends(get_ctx, scope="function")) -> Ctx:
    """The request's unit of work, committed before the response is sent (not after)."""
    if ctx.actor.kind == "anonymous":
        raise Unauthenticated()
    return ctx


def durable_staff_ctx(ctx: Ctx = Depends(durable_ctx)) -> Ctx:
    if ctx.actor.kind != "staff":
        raise Forbidden()
    return ctx


@router.post(
    "/scans",
    status_code=201,
    responses={201: {"model": ScanResult}, 200: {"model": ScanResult, "description": "a retry"}},
    openapi_extra={
        "requestBody": {"content": {MEDIA: {"schema": ScanIn.model_json_schema()}}, "required": True}
    },
)
async def create_scan(request: Request) -> Response:
    """Register one visit (device token of the venue's operator). Answers once the scan is committed,
    with the visitor's current status; a retry with the same idempotency key returns the original.
    (Served by `fast.ScanEndpoint`, a hot path of the app ahead of the router; this route documents
    it and serves the same way if it is ever reached.)"""
    status, body = await post_scan(request, state_for(runtime_of(request)))
    return Response(body, status_code=status, media_type=MEDIA)


@router.post("/scans/{scan_id}/checkout", response_model=ScanRead)
def checkout(scan_id: int, body: CheckoutIn | None = None, ctx: Ctx = Depends(durable_ctx)) -> ScanRead:
    """End a visit: the venue's operator (or registry staff over it), or the visitor themself."""
    scan = service.checkout(ctx, scan_id, body.left_at if body else None)
    return ScanRead.model_validate(scan)


def _rows(ctx: Ctx, scans: list[Scan], venue_names: dict[int, str]) -> list[ScanRow]:
    persons: dict[int, Person] = repository.persons_by_ids(ctx.session, (s.person_id for s in scans))
    out = []
    for s in scans:
        person = persons.get(s.person_id) if s.person_id is not None else None
        row: dict[str, Any] = ScanRead.model_validate(s).model_dump()
        out.append(
            ScanRow(
                **row,
                venue_name=venue_names.get(s.venue_id, ""),
                name_masked=mask_name(person.name) if person else "",
            )
        )
    return out


@router.get("/venues/{venue_id}/scans", response_model=ScanPage)
def venue_scans(
    venue_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int = 100,
    ctx: Ctx = Depends(staff_ctx),
) -> ScanPage:
    """A venue's scans taken in [start, end) (default: today), newest first; `cursor` from the last page."""
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    end = end or end_of_local_day(ctx.now)
    start = start or end - timedelta(days=1)
    size = max(1, min(limit, 1000))
    scans = repository.venue_page(
        ctx.session, venue.id, start, end, repository.decode_cursor(cursor), size + 1
    )
    items = _rows(ctx, scans[:size], {venue.id: venue.name})
    return ScanPage(
        items=items, next_cursor=repository.encode_cursor(scans[size - 1]) if len(scans) > size else None
    )


@router.get("/me/scans", response_model=ScanPage)
def my_scans(cursor: str | None = None, limit: int = 50, ctx: Ctx = Depends(resident_ctx)) -> ScanPage:
    """The signed-in resident's own recent scans (every person registered under their phone)."""
    persons = own_persons(ctx.session, ctx.actor)
    since = utcnow() - timedelta(days=ctx.settings.scan_retention_days)
    size = max(1, min(limit, 200))
    scans = repository.persons_page(
        ctx.session, [p.id for p in persons], since, repository.decode_cursor(cursor), size + 1
    )
    venues = repository.venues_by_ids(ctx.session, (s.venue_id for s in scans[:size]))
    items = _rows(ctx, scans[:size], {v.id: v.name for v in venues.values()})
    return ScanPage(
        items=items, next_cursor=repository.encode_cursor(scans[size - 1]) if len(scans) > size else None
    )
