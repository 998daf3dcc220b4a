"""Pages for unit health: the unit officer's phone-friendly daily report (or zero report), sick absences
and pharmacy sales; the street / district list of units that have not reported, with bulk reminders;
the early-warning alerts."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, render, staff_ctx
from lianfang.unithealth import absences, exports, pharmacy, reports, repository, rules
from lianfang.unithealth.access import READ, REPORT, readable_unit, require_read
from lianfang.units.models import Unit, UnitOfficer
from lianfang.units.rules import KINDS as UNIT_KINDS

router = APIRouter(include_in_schema=False)
router.include_router(exports.router)


def _problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


_day = exports.day_of


@router.get("/unithealth")
def index(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Unit officers: their units and today's status. Street and district staff: the missing list."""
    require_read(ctx.actor)
    if ctx.actor.can(READ):
        return RedirectResponse("/unithealth/missing", status_code=303)
    own = select(UnitOfficer.unit_id).where(UnitOfficer.user_id == ctx.actor.user_id)
    units = list(ctx.session.scalars(select(Unit).where(Unit.id.in_(own)).order_by(Unit.name)))
    today = local_date(ctx.now)
    status = {u.id: repository.report_for(ctx.session, u.id, today) for u in units}
    return render(request, "unithealth/index.html", units=units, status=status, today=today, kinds=UNIT_KINDS)


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
    return _daily(request, ctx, unit, _day(report_date, ctx), saved=bool(saved))


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
    day = _day(str(form.get("report_date", "")), ctx)
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
    day = _day(report_date, ctx)
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
    day = _day(str(form.get("report_date", "")), ctx)

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


def _absences(
    request: Request,
    ctx: Ctx,
    unit: Unit,
    problems: list[Problem] | None = None,
    status: int = 200,
    raised: int | None = None,
    after: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.absences_list(ctx, unit)(after, size + 1))
    next_url = (
        f"/unithealth/units/{unit.id}/absences?after={rows[size - 1][0].id}" if len(rows) > size else None
    )
    members = repository.active_members(ctx.session, unit.id, local_date(ctx.now))
    return render(
        request,
        "unithealth/absences.html",
        status_code=status,
        unit=unit,
        rows=rows[:size],
        next_url=next_url,
        members=members,
        symptoms=rules.SYMPTOMS,
        problems=problems or [],
        today=local_date(ctx.now),
        raised=raised,
        can_report=ctx.actor.can(REPORT),
        unit_rules=[
            r.describe() for r in rules.rules_for_kind(unit.kind, absences.overrides(ctx, unit.kind))
        ],
    )


@router.get("/unithealth/units/{unit_id}/absences")
def absences_page(
    request: Request,
    unit_id: int,
    raised: int | None = None,
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    return _absences(request, ctx, unit, raised=raised, after=after)


@router.post("/unithealth/units/{unit_id}/absences", dependencies=[Depends(check_csrf)])
async def report_absence(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    form = await request.form()
    try:
        data = absences.AbsenceInput(
            int(str(form.get("person_id", "0")) or 0),
            _day(str(form.get("absence_date", "")), ctx),
            tuple(str(s) for s in form.getlist("symptoms")),
            str(form.get("note", "")),
        )
        _absence, alerts = absences.report_absence(ctx, unit.id, data)
    except (Invalid, DomainError) as exc:
        ctx.session.rollback()
        return _absences(request, ctx, unit, _problems(exc), exc.status if exc.status != 400 else 422)
    except ValueError:
        return _absences(request, ctx, unit, [Problem("person_id", "请选择人员", "choose a person")], 422)
    return RedirectResponse(f"/unithealth/units/{unit.id}/absences?raised={len(alerts)}", status_code=303)


@router.get("/unithealth/alerts")
def alerts_page(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.alerts_list(ctx)(after, size + 1))
    next_url = f"/unithealth/alerts?after={rows[size - 1][0].id}" if len(rows) > size else None
    return render(
        request, "unithealth/alerts.html", rows=rows[:size], next_url=next_url, symptoms=rules.SYMPTOMS
    )


def _sales(
    request: Request,
    ctx: Ctx,
    unit: Unit,
    problems: list[Problem] | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
    after: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.sales_list(ctx, unit)(after, size + 1))
    next_url = f"/unithealth/units/{unit.id}/sales?after={rows[size - 1].id}" if len(rows) > size else None
    return render(
        request,
        "unithealth/sales.html",
        status_code=status,
        unit=unit,
        rows=rows[:size],
        next_url=next_url,
        classes=rules.MEDICINE_CLASSES,
        problems=problems or [],
        form=form or {},
        can_report=ctx.actor.can(REPORT),
    )


@router.get("/unithealth/units/{unit_id}/sales")
def sales_page(
    request: Request, unit_id: int, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _sales(request, ctx, readable_unit(ctx.session, ctx.actor, unit_id), after=after)


@router.post("/unithealth/units/{unit_id}/sales", dependencies=[Depends(check_csrf)])
async def record_sale(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        quantity = int(form.get("quantity", "1") or 1)
    except ValueError:
        quantity = 0
    data = pharmacy.SaleInput(
        form.get("client_ref", ""),
        form.get("id_number", ""),
        form.get("buyer_name", ""),
        form.get("medicine_class", ""),
        form.get("medicine_name", ""),
        quantity,
    )
    try:
        pharmacy.record_sale(ctx, unit.id, data)
    except DomainError as exc:
        ctx.session.rollback()
        form.pop("id_number", None)
        return _sales(request, ctx, unit, _problems(exc), 422 if exc.status == 422 else exc.status, form)
    return RedirectResponse(f"/unithealth/units/{unit.id}/sales", status_code=303)
