"""JSON API of inspections and findings (responses, photos)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import access_inspection, require_read, rows_filter
from lianfang.enforcement.inspections import service as inspections
from lianfang.enforcement.models import Finding, Inspection
from lianfang.enforcement.schemas import (
    AttachmentOut,
    FindingOut,
    FindingPage,
    InspectionDetail,
    InspectionIn,
    InspectionOut,
    InspectionPage,
    ReinspectionIn,
    ResponseIn,
)

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"])


def page_size(limit: int) -> int:
    return max(1, min(limit, 500))


def _findings(data: InspectionIn | ReinspectionIn) -> list[inspections.FindingInput]:
    return [
        inspections.FindingInput(f.item_code, f.description, f.deadline, f.same_day) for f in data.findings
    ]


def _detail(inspection: Inspection, findings: list[Finding]) -> InspectionDetail:
    return InspectionDetail(
        inspection=InspectionOut.model_validate(inspection),
        findings=[FindingOut.model_validate(f) for f in findings],
    )


@router.post("/inspections", response_model=InspectionDetail, status_code=201)
def record_inspection(body: InspectionIn, ctx: Ctx = Depends(staff_ctx)) -> InspectionDetail:
    data = inspections.InspectionInput(
        body.target_type, body.target_id, body.results, _findings(body), body.note
    )
    return _detail(*inspections.record_inspection(ctx, data))


@router.get("/inspections", response_model=InspectionPage)
def list_inspections(
    state: str = "",
    unit_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> InspectionPage:
    require_read(ctx.actor)
    size = page_size(limit)
    scope = rows_filter(ctx.actor, Inspection.jurisdiction_path, Inspection.unit_id)
    rows = repository.inspections_page(ctx.session, scope, state, unit_id, after, size + 1)
    items = [InspectionOut.model_validate(i) for i in rows[:size]]
    return InspectionPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.get("/inspections/{inspection_id}", response_model=InspectionDetail)
def get_inspection(inspection_id: int, ctx: Ctx = Depends(staff_ctx)) -> InspectionDetail:
    inspection = access_inspection(ctx.session, ctx.actor, inspection_id)
    return _detail(inspection, repository.findings_of(ctx.session, inspection.id))


@router.post("/inspections/{inspection_id}/reinspect", response_model=InspectionDetail, status_code=201)
def reinspect(inspection_id: int, body: ReinspectionIn, ctx: Ctx = Depends(staff_ctx)) -> InspectionDetail:
    data = inspections.InspectionInput("", 0, body.results, _findings(body), body.note)
    return _detail(*inspections.reinspect(ctx, inspection_id, body.verdicts, data))


@router.get("/findings", response_model=FindingPage)
def open_findings(
    overdue: bool = False, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> FindingPage:
    """Open findings in scope (overdue only, with overdue=true): the inspector's open problems."""
    require_read(ctx.actor)
    size = page_size(limit)
    scope = rows_filter(ctx.actor, Finding.jurisdiction_path, Finding.unit_id)
    rows = repository.open_findings_page(ctx.session, scope, ctx.now if overdue else None, after, size + 1)
    items = [FindingOut.model_validate(f) for f in rows[:size]]
    return FindingPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("/findings/{finding_id}/response", response_model=FindingOut)
def respond(finding_id: int, body: ResponseIn, ctx: Ctx = Depends(staff_ctx)) -> FindingOut:
    return FindingOut.model_validate(inspections.respond(ctx, finding_id, body.response))


@router.post("/attachments")
def add_attachment(
    subject_type: str = Form(...),
    subject_id: int = Form(...),
    file: UploadFile = File(...),
    ctx: Ctx = Depends(staff_ctx),
) -> JSONResponse:
    """A photo of a finding (subject_type=finding), of the unit's response (response) or evidence of a
    violation (violation). Idempotent: the same file again returns the first copy (200)."""
    content = read_upload(file)
    row, created = inspections.add_attachment(
        ctx, subject_type, subject_id, file.filename or "photo", file.content_type or "", content
    )
    body = AttachmentOut.model_validate(row).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/attachments/{attachment_id}")
def download_attachment(attachment_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    row = inspections.attachment_for_download(ctx, attachment_id)
    headers = {"Content-Disposition": f'inline; filename="{row.sha256[:12]}"', "Cache-Control": "no-store"}
    return Response(row.data, media_type=row.content_type, headers=headers)
