"""JSON API of daily reports and the missing-report list with reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.unithealth import repository
from lianfang.unithealth.access import READ, readable_unit, rows_filter
from lianfang.unithealth.reports import service as reports
from lianfang.unithealth.schemas import (
    EntryOut,
    MissingPage,
    RemindIn,
    ReportDetail,
    ReportIn,
    ReportOut,
    RevisionOut,
    UnitBrief,
)
from lianfang.units.models import Unit

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
