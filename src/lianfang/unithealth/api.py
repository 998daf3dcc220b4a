"""JSON API for unit health: daily reports, missing-report lists with reminders, sick absences, alerts,
early-warning rules per unit type, pharmacy sales."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.unithealth import absences, pharmacy, reports, repository, rules
from lianfang.unithealth.access import READ, readable_unit, require_read, rows_filter
from lianfang.unithealth.models import AbsenceAlert, AbsenceReport, PharmacySale
from lianfang.unithealth.schemas import (
    AbsenceCorrection,
    AbsenceIn,
    AbsenceOut,
    AbsenceResult,
    AlertOut,
    AlertPage,
    DutyOut,
    EntryOut,
    MissingPage,
    RemindIn,
    ReportDetail,
    ReportIn,
    ReportOut,
    RevisionOut,
    RuleIn,
    RuleOut,
    SaleIn,
    SaleOut,
    SalePage,
    SaleResult,
    UnitBrief,
)
from lianfang.units.models import Unit
from lianfang.units.rules import KINDS as UNIT_KINDS

router = APIRouter(prefix="/api/unithealth", tags=["unithealth"])


def scope_path(ctx: Ctx, jurisdiction_id: int | None) -> str:
    """The subtree a list covers: a jurisdiction in the actor's scope, or the actor's own scope."""
    ctx.actor.require(READ)
    if jurisdiction_id is not None:
        return access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id).path
    if ctx.actor.scope_path is None:
        raise NotFound("辖区", "jurisdiction")
    return ctx.actor.scope_path


@router.post("/units/{unit_id}/reports", response_model=ReportOut)
def file_report(unit_id: int, body: ReportIn, ctx: Ctx = Depends(staff_ctx)) -> ReportOut:
    entries = [
        reports.EntryInput(e.person_id, e.temperature, e.mask_ok, tuple(e.symptoms)) for e in body.entries
    ]
    data = reports.ReportInput(body.report_date, body.zero_report, entries, body.note, body.reason)
    return ReportOut.model_validate(reports.file_report(ctx, unit_id, data))


@router.get("/units/{unit_id}/reports/{report_date}", response_model=ReportDetail)
def get_report(unit_id: int, report_date: date, ctx: Ctx = Depends(staff_ctx)) -> ReportDetail:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    report = repository.report_for(ctx.session, unit.id, report_date)
    if report is None:
        raise NotFound("报告", "report")
    entries = repository.entries_of(ctx.session, report.id)
    audit.record(ctx, "unithealth.report.viewed", "unit_daily_report", report.id, unit.jurisdiction_path)
    return ReportDetail(
        report=ReportOut.model_validate(report),
        entries=[EntryOut.model_validate(e) for e, _p in entries],
        revisions=[
            RevisionOut.model_validate(r)
            for r in repository.revisions(ctx.session, "daily_report", report.id)
        ],
    )


@router.get("/missing", response_model=MissingPage)
def missing(
    jurisdiction_id: int | None = None,
    report_date: date | None = None,
    after: int | None = None,
    limit: int = 100,
    ctx: Ctx = Depends(staff_ctx),
) -> MissingPage:
    """Active units of a street (or any subtree in scope) with no report for the day, by id."""
    path = scope_path(ctx, jurisdiction_id)
    day = report_date or local_date(ctx.now)
    size = max(1, min(limit, 500))
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    rows = repository.missing_units(ctx.session, scope, path, day, after, size + 1)
    items = [UnitBrief.model_validate(u) for u in rows[:size]]
    return MissingPage(report_date=day, items=items, next_after=items[-1].id if len(rows) > size else None)


@router.post("/missing/remind")
def remind(body: RemindIn, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    return {"reminded": reports.remind_missing(ctx, body.unit_ids, body.report_date)}


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


@router.post("/units/{unit_id}/sales", response_model=SaleResult)
def record_sale(unit_id: int, body: SaleIn, ctx: Ctx = Depends(staff_ctx)) -> JSONResponse:
    data = pharmacy.SaleInput(**body.model_dump())
    sale, duty, created = pharmacy.record_sale(ctx, unit_id, data)
    result = SaleResult(sale=SaleOut.model_validate(sale), duty=DutyOut.model_validate(duty), created=created)
    return JSONResponse(result.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/sales", response_model=SalePage)
def list_sales(
    unit_id: int | None = None, after: int | None = None, limit: int = 100, ctx: Ctx = Depends(staff_ctx)
) -> SalePage:
    require_read(ctx.actor)
    if unit_id is not None:
        readable_unit(ctx.session, ctx.actor, unit_id)
    size = max(1, min(limit, 500))
    scope = rows_filter(ctx.actor, PharmacySale.jurisdiction_path, PharmacySale.unit_id)
    rows = repository.sales_page(ctx.session, scope, unit_id, after, size + 1)
    audit.record(ctx, "unithealth.sale.listed", "pharmacy_sale", None, ctx.actor.scope_path, unit_id=unit_id)
    items = [SaleOut.model_validate(s) for s in rows[:size]]
    return SalePage(items=items, next_after=items[-1].id if len(rows) > size else None)
