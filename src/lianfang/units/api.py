"""JSON API for units: search, create, edit, deactivate, staff lists, officers, import and export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lianfang.core.context import Ctx
from lianfang.core.web import download, read_upload, staff_ctx
from lianfang.units import exports, imports, repository, service, staff
from lianfang.units.access import access_unit, units_rows
from lianfang.units.models import Unit, UnitMembership
from lianfang.units.schemas import (
    MemberCreate,
    MemberEnd,
    MemberPage,
    MemberRead,
    MemberUpdate,
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


def _limit(raw: int) -> int:
    return max(1, min(raw, 500))


def member_read(row: repository.StaffRow) -> MemberRead:
    item = row.membership
    return MemberRead(
        id=item.id,
        unit_id=item.unit_id,
        person_id=item.person_id,
        name=row.person.name,
        id_masked=row.person.id_masked,
        role=item.role,
        group_name=item.group_name,
        via_unit_id=item.via_unit_id,
        via_unit_code=row.via.code if row.via else None,
        start_date=item.start_date,
        end_date=item.end_date,
    )


def _member(session: Session, item: UnitMembership) -> MemberRead:
    row = repository.staff_row(session, item.id)
    assert row is not None
    return member_read(row)


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
    size = _limit(limit)
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


@router.post("/staff/import")
def import_staff(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """CSV / XLSX with columns unit_code, id_number, role[, group_name, via_unit_code]."""
    content = read_upload(file)
    return imports.import_staff(ctx, file.filename or "upload.csv", content, dry_run).as_dict()


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


@router.get("/{unit_id}/staff", response_model=MemberPage)
def list_staff(
    unit_id: int,
    after: int | None = None,
    limit: int = 50,
    include_ended: bool = False,
    ctx: Ctx = Depends(staff_ctx),
) -> MemberPage:
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    size = _limit(limit)
    rows = repository.staff_page(ctx.session, unit.id, after, size + 1, include_ended)
    items = [member_read(r) for r in rows[:size]]
    return MemberPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("/{unit_id}/staff", response_model=MemberRead, status_code=201)
def add_member(unit_id: int, body: MemberCreate, ctx: Ctx = Depends(staff_ctx)) -> MemberRead:
    item = staff.add_member(ctx, unit_id, staff.MemberInput(**body.model_dump()))
    return _member(ctx.session, item)


@router.get("/{unit_id}/staff/export")
def export_staff(
    unit_id: int, format: str = "csv", include_ended: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return download(
        exports.export_staff(ctx, unit_id, format, include_ended), format, f"unit-{unit_id}-staff"
    )


@router.put("/{unit_id}/staff/{membership_id}", response_model=MemberRead)
def update_member(
    unit_id: int, membership_id: int, body: MemberUpdate, ctx: Ctx = Depends(staff_ctx)
) -> MemberRead:
    item = staff.update_member(
        ctx, unit_id, membership_id, body.role, body.group_name, body.via_unit_id, body.via_unit_code
    )
    return _member(ctx.session, item)


@router.post("/{unit_id}/staff/{membership_id}/end", response_model=MemberRead)
def end_member(
    unit_id: int, membership_id: int, body: MemberEnd | None = None, ctx: Ctx = Depends(staff_ctx)
) -> MemberRead:
    item = staff.end_member(ctx, unit_id, membership_id, body.end_date if body else None)
    return _member(ctx.session, item)


@router.get("/{unit_id}/placements", response_model=PlacementPage)
def list_placements(
    unit_id: int, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> PlacementPage:
    """People this company places in other units, and where (managed at the source, MISSION R12)."""
    company: Unit = access_unit(ctx.session, ctx.actor, unit_id)
    size = _limit(limit)
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
