"""JSON API for units: search, create, edit, deactivate, officers, import and export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.units import exports, imports, repository, service
from lianfang.units.access import access_unit, units_rows
from lianfang.units.models import Unit
from lianfang.units.schemas import (
    OfficerLink,
    OfficerRead,
    PlacementPage,
    PlacementRead,
    UnitCreate,
    UnitPage,
    UnitRead,
    UnitUpdate,
)

router = APIRouter(prefix="/api/units", tags=["units"])


def page_size(raw: int) -> int:
    return max(1, min(raw, 500))


@router.get("", response_model=UnitPage)
def list_units(
    q: str = "",
    kind: str = "",
    community_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> UnitPage:
    """Units the caller reaches, filtered by name prefix (or exact code), kind and community; by id."""
    size = page_size(limit)
    query = repository.unit_query(ctx.session, q, kind, community_id)
    rows = units_rows(ctx.session, ctx.actor, query, after, size + 1)
    items = [UnitRead.model_validate(u) for u in rows[:size]]
    return UnitPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("", response_model=UnitRead, status_code=201)
def create_unit(body: UnitCreate, ctx: Ctx = Depends(staff_ctx)) -> UnitRead:
    data = service.UnitInput(**body.model_dump())
    return UnitRead.model_validate(service.create_unit(ctx, data))


@router.get("/export")
def export_units(
    format: str = "csv",
    q: str = "",
    kind: str = "",
    community_id: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """CSV / XLSX of the list with the same filters as `GET /api/units`; audited with the filters."""
    return exports.export_units(ctx, format, q, kind, community_id)


@router.post("/import")
def import_units(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """CSV / XLSX with columns code, name, kind, community_code[, address, contact_name]."""
    content = read_upload(file)
    return imports.import_units(ctx, file.filename or "upload.csv", content, dry_run).as_dict()


@router.get("/{unit_id}", response_model=UnitRead)
def get_unit(unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> UnitRead:
    return UnitRead.model_validate(access_unit(ctx.session, ctx.actor, unit_id))


@router.put("/{unit_id}", response_model=UnitRead)
def update_unit(unit_id: int, body: UnitUpdate, ctx: Ctx = Depends(staff_ctx)) -> UnitRead:
    data = service.UnitInput(code="", **body.model_dump())
    return UnitRead.model_validate(service.update_unit(ctx, unit_id, data))


@router.post("/{unit_id}/deactivate", response_model=UnitRead)
def deactivate_unit(unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> UnitRead:
    return UnitRead.model_validate(service.set_unit_active(ctx, unit_id, False))


@router.post("/{unit_id}/activate", response_model=UnitRead)
def activate_unit(unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> UnitRead:
    return UnitRead.model_validate(service.set_unit_active(ctx, unit_id, True))


@router.get("/{unit_id}/placements", response_model=PlacementPage)
def list_placements(
    unit_id: int, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> PlacementPage:
    """People this company places in other units, and where (managed at the source, MISSION R12)."""
    company: Unit = access_unit(ctx.session, ctx.actor, unit_id)
    size = page_size(limit)
    rows = repository.placements_page(ctx.session, company.id, after, size + 1)
    items = [
        PlacementRead(
            membership_id=r.membership.id,
            person_id=r.person.id,
            name=r.person.name,
            id_masked=r.person.id_masked,
            role=r.membership.role,
            unit_id=r.unit.id,
            unit_code=r.unit.code,
            unit_name=r.unit.name,
        )
        for r in rows[:size]
    ]
    return PlacementPage(items=items, next_after=items[-1].membership_id if len(rows) > size else None)


@router.get("/{unit_id}/officers", response_model=list[OfficerRead])
def list_officers(unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[OfficerRead]:
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    return [OfficerRead.model_validate(u) for u in repository.officers_of(ctx.session, unit.id)]


@router.post("/{unit_id}/officers", response_model=list[OfficerRead], status_code=201)
def link_officer(unit_id: int, body: OfficerLink, ctx: Ctx = Depends(staff_ctx)) -> list[OfficerRead]:
    service.link_officer(ctx, unit_id, body.user_id)
    return [OfficerRead.model_validate(u) for u in repository.officers_of(ctx.session, unit_id)]


@router.delete("/{unit_id}/officers/{user_id}", status_code=204)
def unlink_officer(unit_id: int, user_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.unlink_officer(ctx, unit_id, user_id)
    return Response(status_code=204)
