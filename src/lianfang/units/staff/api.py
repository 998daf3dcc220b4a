"""JSON API of a unit's staff: list, add, change, end, import, export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lianfang.core.context import Ctx
from lianfang.core.web import download, read_upload, staff_ctx
from lianfang.units import repository
from lianfang.units.access import access_unit
from lianfang.units.api import page_size
from lianfang.units.models import UnitMembership
from lianfang.units.schemas import (
    MemberCreate,
    MemberEnd,
    MemberPage,
    MemberRead,
    MemberUpdate,
)
from lianfang.units.staff import exports, imports
from lianfang.units.staff import service as staff

router = APIRouter(prefix="/api/units", tags=["units"])


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


@router.post("/staff/import")
def import_staff(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """CSV / XLSX with columns unit_code, id_number, role[, group_name, via_unit_code]."""
    content = read_upload(file)
    return imports.import_staff(ctx, file.filename or "upload.csv", content, dry_run).as_dict()


@router.get("/{unit_id}/staff", response_model=MemberPage)
def list_staff(
    unit_id: int,
    after: int | None = None,
    limit: int = 50,
    include_ended: bool = False,
    ctx: Ctx = Depends(staff_ctx),
) -> MemberPage:
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    size = page_size(limit)
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
