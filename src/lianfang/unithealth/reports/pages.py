"""Pages of daily reports: the unit officer's phone-friendly report (or zero report) and the street /
district list of units that have not reported, with bulk reminders."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, render, staff_ctx
from lianfang.unithealth import repository, rules
from lianfang.unithealth.access import REPORT, readable_unit
from lianfang.unithealth.exports import day_of
from lianfang.unithealth.reports import exports
from lianfang.unithealth.reports import service as reports
from lianfang.units.models import Unit
from lianfang.units.rules import KINDS as UNIT_KINDS

router = APIRouter(include_in_schema=False)


def _daily(
    request: Request,
    ctx: Ctx,
    unit: Unit,
    day: date,
    problems: list[Problem] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    members = repository.active_members(ctx.session, unit.id, day)
    report = repository.report_for(ctx.session, unit.id, day)
    entries = {e.person_id: e for e, _p in repository.entries_of(ctx.session, report.id)} if report else {}
    history = repository.revisions(ctx.session, "daily_report", report.id) if report else []
    return render(
        request,
        "unithealth/daily.html",
        status_code=status,
        unit=unit,
        day=day,
        members=members,
        report=report,
        entries=entries,
        history=history,
        symptoms=rules.SYMPTOMS,
        problems=problems or [],
        saved=saved,
        can_report=ctx.actor.can(REPORT),
        closed=rules.date_problem(day, ctx.now),
    )


@router.get("/unithealth/units/{unit_id}/daily")
def daily_page(
    request: Request,
    unit_id: int,
    report_date: str | None = None,
    saved: int = 0,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    return _daily(request, ctx, unit, day_of(report_date, ctx), saved=bool(saved))


def _entries(form: FormData, members: list[int]) -> tuple[list[reports.EntryInput], list[Problem]]:
    entries, problems = [], []
    for row, person_id in enumerate(members, start=1):
        raw = str(form.get(f"t_{person_id}", "")).strip()
        mask_ok = form.get(f"mask_{person_id}") is not None
        symptoms = tuple(str(s) for s in form.getlist(f"sym_{person_id}"))
        if not raw and mask_ok and not symptoms:
            continue
        try:
            temperature = float(raw) if raw else None
        except ValueError:
            problems.append(
                Problem("temperature", "体温应为数字，如36.5", "a temperature is a number such as 36.5", row)
            )
            continue
        entries.append(reports.EntryInput(person_id, temperature, mask_ok, symptoms))
    return entries, problems


@router.post("/unithealth/units/{unit_id}/daily", dependencies=[Depends(check_csrf)])
async def file_daily(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    form = await request.form()
    day = day_of(str(form.get("report_date", "")), ctx)
    members = [m.person_id for m, _p in repository.active_members(ctx.session, unit.id, day)]
    entries, problems = _entries(form, members)
    zero = form.get("mode") == "zero"
    if problems:
        return _daily(request, ctx, unit, day, problems, 422)
    data = reports.ReportInput(
        day, zero, [] if zero else entries, str(form.get("note", "")), str(form.get("reason", ""))
    )
    try:
        reports.file_report(ctx, unit.id, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _daily(request, ctx, unit, day, exc.problems, 422)
    query = urlencode({"report_date": day.isoformat(), "saved": 1})
    return RedirectResponse(f"/unithealth/units/{unit.id}/daily?{query}", status_code=303)


@router.get("/unithealth/missing")
def missing_page(
    request: Request,
    jurisdiction_id: int | None = None,
    report_date: str | None = None,
    after: int | None = None,
    reminded: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    day = day_of(report_date, ctx)
    place, fetch = exports.missing_list(ctx, jurisdiction_id, day)
    size = ctx.settings.page_size
    rows = list(fetch(after, size + 1))
    next_url = None
    if len(rows) > size:
        params = {"report_date": day.isoformat(), "after": rows[size - 1].id}
        next_url = "/unithealth/missing?" + urlencode(
            params | ({"jurisdiction_id": place.id} if place else {})
        )
    filed = list(exports.reports_list(ctx, jurisdiction_id, day)[1](None, 51))
    return render(
        request,
        "unithealth/missing.html",
        rows=rows[:size],
        day=day,
        place=place,
        next_url=next_url,
        kinds=UNIT_KINDS,
        reminded=reminded,
        filed=filed[:50],
        more_filed=len(filed) > 50,
    )


@router.post("/unithealth/missing/remind", dependencies=[Depends(check_csrf)])
async def remind(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    form = await request.form()
    day = day_of(str(form.get("report_date", "")), ctx)

    def again(problems: list[Problem]) -> Response:
        return render(
            request,
            "unithealth/missing.html",
            status_code=422,
            rows=[],
            day=day,
            place=None,
            next_url=None,
            kinds=UNIT_KINDS,
            reminded=None,
            filed=[],
            more_filed=False,
            problems=problems,
        )

    def done(reminded: list[int]) -> Response:
        query = urlencode({"report_date": day.isoformat(), "reminded": len(reminded)})
        return RedirectResponse(f"/unithealth/missing?{query}", status_code=303)

    return apply_selection(
        ctx,
        form.getlist("unit_ids"),
        lambda chosen: reports.remind_missing(ctx, chosen, day),
        again=again,
        done=done,
        field="unit_ids",
    )
