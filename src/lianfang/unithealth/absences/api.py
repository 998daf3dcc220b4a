"""JSON API of sick absences, alerts and the early-warning rules per unit type."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import staff_ctx
from lianfang.unithealth import repository, rules
from lianfang.unithealth.absences import service as absences
from lianfang.unithealth.access import readable_unit, require_read, rows_filter
from lianfang.unithealth.models import AbsenceAlert, AbsenceReport
from lianfang.unithealth.schemas import (
    AbsenceCorrection,
    AbsenceIn,
    AbsenceOut,
    AbsenceResult,
    AlertOut,
    AlertPage,
    RuleIn,
    RuleOut,
)
from lianfang.units.rules import KINDS as UNIT_KINDS

router = APIRouter(prefix="/api/unithealth", tags=["unithealth"])


@router.post("/units/{unit_id}/absences", response_model=AbsenceResult, status_code=201)
def report_absence(unit_id: int, body: AbsenceIn, ctx: Ctx = Depends(staff_ctx)) -> AbsenceResult:
    data = absences.AbsenceInput(body.person_id, body.absence_date, tuple(body.symptoms), body.note)
    absence, alerts = absences.report_absence(ctx, unit_id, data)
    return AbsenceResult(
        absence=AbsenceOut.model_validate(absence), alerts=[AlertOut.model_validate(a) for a in alerts]
    )


@router.put("/absences/{absence_id}", response_model=AbsenceOut)
def correct_absence(absence_id: int, body: AbsenceCorrection, ctx: Ctx = Depends(staff_ctx)) -> AbsenceOut:
    absence = absences.correct_absence(ctx, absence_id, body.symptoms, body.note, body.reason, body.withdraw)
    return AbsenceOut.model_validate(absence)


@router.get("/absences")
def list_absences(
    unit_id: int | None = None, after: int | None = None, limit: int = 100, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    require_read(ctx.actor)
    if unit_id is not None:
        readable_unit(ctx.session, ctx.actor, unit_id)
    size = max(1, min(limit, 500))
    scope = rows_filter(ctx.actor, AbsenceReport.jurisdiction_path, AbsenceReport.unit_id)
    rows = repository.absences_page(ctx.session, scope, unit_id, after, size + 1)
    audit.record(
        ctx, "unithealth.absence.listed", "unit_absence", None, ctx.actor.scope_path, unit_id=unit_id
    )
    items = [
        AbsenceOut.model_validate(a).model_dump(mode="json") | {"person_name": p.name, "unit_name": u.name}
        for a, p, u in rows[:size]
    ]
    return {"items": items, "next_after": items[-1]["id"] if len(rows) > size else None}


@router.get("/alerts", response_model=AlertPage)
def list_alerts(after: int | None = None, limit: int = 100, ctx: Ctx = Depends(staff_ctx)) -> AlertPage:
    require_read(ctx.actor)
    size = max(1, min(limit, 500))
    scope = rows_filter(ctx.actor, AbsenceAlert.jurisdiction_path, AbsenceAlert.unit_id)
    rows = repository.alerts_page(ctx.session, scope, after, size + 1)
    items = [AlertOut.model_validate(a) for a, _u in rows[:size]]
    return AlertPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.get("/rules/{unit_kind}", response_model=list[RuleOut])
def get_rules(unit_kind: str, ctx: Ctx = Depends(staff_ctx)) -> list[RuleOut]:
    require_read(ctx.actor)
    if unit_kind not in UNIT_KINDS:
        raise NotFound("单位类型", "unit type")
    settings = {s.code for s in repository.rule_settings(ctx.session, unit_kind) if s.active}
    overrides = absences.overrides(ctx, unit_kind)
    return [
        RuleOut(
            unit_kind=unit_kind,
            code=r.code,
            threshold=r.threshold,
            window_days=r.window_days,
            same_group=r.same_group,
            same_symptom=r.same_symptom,
            source="setting" if r.code in settings else rules.EDITION,
        )
        for r in rules.rules_for_kind(unit_kind, overrides)
    ]


@router.put("/rules/{unit_kind}/{code}", response_model=list[RuleOut])
def set_rule(unit_kind: str, code: str, body: RuleIn, ctx: Ctx = Depends(staff_ctx)) -> list[RuleOut]:
    absences.set_rule(
        ctx,
        unit_kind,
        code,
        body.threshold,
        body.window_days,
        body.same_group,
        body.same_symptom,
        body.active,
    )
    return get_rules(unit_kind, ctx)
