"""JSON API for inspections, findings (responses, photos), closure orders, the event register,
violations and a unit's accountability record."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.enforcement import inspections, register, repository, violations
from lianfang.enforcement.access import READ, access_event, access_inspection, require_read, rows_filter
from lianfang.enforcement.models import ClosureOrder, Finding, Inspection, RegisteredEvent, Violation
from lianfang.enforcement.schemas import (
    AttachmentOut,
    ClosureIn,
    ClosureOut,
    ClosureResult,
    DecisionIn,
    DispositionIn,
    EventIn,
    EventOut,
    EventPage,
    FindingOut,
    FindingPage,
    InfectionIn,
    InspectionDetail,
    InspectionIn,
    InspectionOut,
    InspectionPage,
    ReinspectionIn,
    ResponseIn,
    UnitRecordOut,
    ViolationIn,
    ViolationOut,
    ViolationPage,
)
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"])


def _size(limit: int) -> int:
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
    size = _size(limit)
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
    size = _size(limit)
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


@router.post("/closures", response_model=ClosureResult, status_code=201)
def order_closure(body: ClosureIn, ctx: Ctx = Depends(staff_ctx)) -> ClosureResult:
    order, closed = register.order_closure(ctx, body.venue_kind, body.jurisdiction_id, body.reason)
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
    return ClosureOut.model_validate(register.lift_closure(ctx, order_id))


@router.post("/events", response_model=EventOut, status_code=201)
def register_event(body: EventIn, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(register.register_event(ctx, register.EventInput(**body.model_dump())))


@router.get("/events", response_model=EventPage)
def list_events(
    decision: str = "", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> EventPage:
    ctx.actor.require(READ)
    size = _size(limit)
    scope = subtree_filter(ctx.actor, RegisteredEvent.jurisdiction_path)
    rows = repository.events_page(ctx.session, scope, decision, after, size + 1)
    items = [EventOut.model_validate(e) for e in rows[:size]]
    return EventPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.get("/events/{event_id}", response_model=EventOut)
def get_event(event_id: int, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(access_event(ctx.session, ctx.actor, event_id))


@router.post("/events/{event_id}/decision", response_model=EventOut)
def decide_event(event_id: int, body: DecisionIn, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(
        register.decide_event(ctx, event_id, body.decision, body.new_date, body.note)
    )


@router.post("/violations", response_model=ViolationOut, status_code=201)
def record_violation(body: ViolationIn, ctx: Ctx = Depends(staff_ctx)) -> ViolationOut:
    data = violations.ViolationInput(**body.model_dump())
    return ViolationOut.model_validate(violations.record_violation(ctx, data))


@router.get("/violations", response_model=ViolationPage)
def list_violations(
    state: str = "",
    unit_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> ViolationPage:
    ctx.actor.require(READ)
    size = _size(limit)
    scope = subtree_filter(ctx.actor, Violation.jurisdiction_path)
    rows = repository.violations_page(ctx.session, scope, state, unit_id, after, size + 1)
    items = [ViolationOut.model_validate(v) for v in rows[:size]]
    return ViolationPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.get("/violations/{violation_id}", response_model=ViolationOut)
def get_violation(violation_id: int, ctx: Ctx = Depends(staff_ctx)) -> ViolationOut:
    return ViolationOut.model_validate(violations.view_violation(ctx, violation_id))


@router.post("/violations/{violation_id}/decision", response_model=ViolationOut)
def decide_violation(violation_id: int, body: DispositionIn, ctx: Ctx = Depends(staff_ctx)) -> ViolationOut:
    return ViolationOut.model_validate(
        violations.decide(ctx, violation_id, body.disposition, body.note, body.reason)
    )


@router.post("/units/{unit_id}/infections", status_code=201)
def record_infection(unit_id: int, body: InfectionIn, ctx: Ctx = Depends(staff_ctx)) -> dict[str, int]:
    return {"id": violations.record_infection(ctx, unit_id, body.reported_on, body.note).id}


@router.get("/units/{unit_id}/record", response_model=UnitRecordOut)
def unit_record(unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> UnitRecordOut:
    record = violations.unit_record(ctx, unit_id)
    return UnitRecordOut(
        unit_id=record.unit.id,
        unit_name=record.unit.name,
        zero_infection=record.zero.qualifies,
        reasons=[{"zh": zh, "en": en} for zh, en in record.zero.reasons],
        infections=len(record.infections),
        inspections=[InspectionOut.model_validate(i) for i in record.inspections],
        findings=[FindingOut.model_validate(f) for f in record.findings],
        violations=[ViolationOut.model_validate(v) for v in record.violations],
    )
