"""JSON API for venues: search, register, edit, status (one or a selection), operator, import, export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.venues import exports, imports, repository, service
from lianfang.venues.access import access_venue, venues_rows
from lianfang.venues.schemas import (
    BulkStatusChange,
    BulkStatusResult,
    OperatorAssign,
    StatusChange,
    VenueCreate,
    VenuePage,
    VenueRead,
    VenueUpdate,
)

router = APIRouter(prefix="/api/venues", tags=["venues"])


@router.get("", response_model=VenuePage)
def list_venues(
    q: str = "",
    kind: str = "",
    status: str = "",
    community_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> VenuePage:
    """Venues the caller reaches, by name prefix (or exact code), kind, status and community; by id."""
    size = max(1, min(limit, 500))
    query = repository.venue_query(ctx.session, q, kind, status, community_id)
    rows = venues_rows(ctx.session, ctx.actor, query, after, size + 1)
    items = [VenueRead.model_validate(v) for v in rows[:size]]
    return VenuePage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("", response_model=VenueRead, status_code=201)
def create_venue(body: VenueCreate, ctx: Ctx = Depends(staff_ctx)) -> VenueRead:
    return VenueRead.model_validate(service.create_venue(ctx, service.VenueInput(**body.model_dump())))


@router.get("/export")
def export_venues(
    format: str = "csv",
    q: str = "",
    kind: str = "",
    status: str = "",
    community_id: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """CSV / XLSX of the list with the same filters as `GET /api/venues`; audited with the filters."""
    return exports.export_venues(ctx, format, q, kind, status, community_id)


@router.post("/import")
def import_venues(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """CSV / XLSX with columns name, kind, community_code[, address, capacity]."""
    content = read_upload(file)
    return imports.import_venues(ctx, file.filename or "upload.csv", content, dry_run).as_dict()


@router.post("/status", response_model=BulkStatusResult)
def bulk_status(body: BulkStatusChange, ctx: Ctx = Depends(staff_ctx)) -> BulkStatusResult:
    """Open, close or seal a selection: all of it (every venue in your scope) or none of it."""
    result = service.bulk_change_status(ctx, body.venue_ids, body.status, body.reason)
    return BulkStatusResult(changed=result.changed, unchanged=result.unchanged)


@router.get("/{venue_id}", response_model=VenueRead)
def get_venue(venue_id: int, ctx: Ctx = Depends(staff_ctx)) -> VenueRead:
    return VenueRead.model_validate(access_venue(ctx.session, ctx.actor, venue_id))


@router.put("/{venue_id}", response_model=VenueRead)
def update_venue(venue_id: int, body: VenueUpdate, ctx: Ctx = Depends(staff_ctx)) -> VenueRead:
    venue = service.update_venue(ctx, venue_id, service.VenueInput(**body.model_dump()))
    return VenueRead.model_validate(venue)


@router.post("/{venue_id}/status", response_model=VenueRead)
def change_status(venue_id: int, body: StatusChange, ctx: Ctx = Depends(staff_ctx)) -> VenueRead:
    return VenueRead.model_validate(service.change_status(ctx, venue_id, body.status, body.reason))


@router.put("/{venue_id}/operator", response_model=VenueRead)
def assign_operator(venue_id: int, body: OperatorAssign, ctx: Ctx = Depends(staff_ctx)) -> VenueRead:
    return VenueRead.model_validate(service.assign_operator(ctx, venue_id, body.user_id))
