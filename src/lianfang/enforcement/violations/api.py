"""JSON API of violations and a unit's accountability record."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ
from lianfang.enforcement.inspections.api import page_size
from lianfang.enforcement.models import Violation
from lianfang.enforcement.schemas import (
    DispositionIn,
    FindingOut,
    InfectionIn,
    InspectionOut,
    UnitRecordOut,
    ViolationIn,
    ViolationOut,
    ViolationPage,
)
from lianfang.enforcement.violations import service as violations
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"])


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
    size = page_size(limit)
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
