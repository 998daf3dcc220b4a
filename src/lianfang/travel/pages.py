"""Pages for travel: the public risk-area list, the city command's list editor, residents'
declarations (phone-sized), and stays with the carrier import."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import (
    check_csrf,
    get_ctx,
    read_upload,
    render,
    resident_ctx,
    staff_ctx,
)
from lianfang.people.access import access_person, own_records
from lianfang.travel import access, imports, repository, rules, service
from lianfang.travel.api import feed

router = APIRouter(include_in_schema=False)


def form_problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


def form_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def page_link(path: str, rows: list[object], size: int, **params: object) -> str | None:
    if len(rows) <= size:
        return None
    last = rows[size - 1]
    query = {k: v for k, v in params.items() if v not in (None, "")} | {"after": last.id}  # type: ignore[attr-defined]
    return f"{path}?{urlencode(query)}"


@router.get("/risk-areas")
def public_list(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    """The public list of areas in force (no sign-in)."""
    return render(request, "travel/public.html", feed=feed(ctx), levels=rules.LEVELS)


def manage_view(
    request: Request,
    ctx: Ctx,
    problems: list[Problem] | None = None,
    status: int = 200,
    report: object = None,
) -> Response:
    ctx.actor.require(access.MANAGE)
    return render(
        request,
        "travel/manage.html",
        status_code=status,
        feed=feed(ctx),
        levels=rules.LEVELS,
        lift_rules=rules.LIFT_RULES,
        problems=problems or [],
        report=report,
        today=access.today_of(ctx),
    )


@router.get("/travel/risk-areas")
def manage_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return manage_view(request, ctx)


@router.post("/travel/risk-areas", dependencies=[Depends(check_csrf)])
def manage_add(
    request: Request,
    place_code: str = Form(""),
    level: str = Form(""),
    starts_on: str = Form(""),
    last_case_on: str = Form(""),
    source: str = Form(""),
    lift_rule: str = Form(""),
    area_name: str = Form(""),
    inside_city: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    data = service.RiskAreaInput(
        place_code,
        level,
        form_day(starts_on),
        source,
        lift_rule,
        area_name,
        inside_city,
        form_day(last_case_on),
    )
    try:
        service.create_risk_area(ctx, data)
    except DomainError as exc:
        if exc.status != 422:
            raise
        ctx.session.rollback()
        return manage_view(request, ctx, form_problems(exc), 422)
    return RedirectResponse("/travel/risk-areas", status_code=303)


@router.post("/travel/risk-areas/{area_id}/lift", dependencies=[Depends(check_csrf)])
def manage_lift(
    request: Request, area_id: int, reason: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        service.lift_risk_area(ctx, area_id, reason)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        ctx.session.rollback()
        return manage_view(request, ctx, form_problems(exc), exc.status)
    return RedirectResponse("/travel/risk-areas", status_code=303)


# ---- Residents -----------------------------------------------------------------------------------------
def _mine(request: Request, ctx: Ctx, problems: list[Problem] | None = None, status: int = 200) -> Response:
    persons = own_records(ctx.session, ctx.actor)
    ids = [p.id for p in persons]
    records = repository.person_records(ctx.session, ids)
    today = access.today_of(ctx)
    popups = {p.id: repository.popups_for(ctx.session, p.id, today) for p in persons}
    names = repository.place_names(ctx.session, [r.place_code for r in records])
    return render(
        request,
        "travel/mine.html",
        status_code=status,
        persons=persons,
        records=records,
        names=names,
        popups=popups,
        problems=problems or [],
        today=today,
    )


@router.get("/me/travel")
def my_travel(request: Request, ctx: Ctx = Depends(resident_ctx)) -> Response:
    """A resident's stays, their pop-up status, and the form to declare a stay or a return."""
    return _mine(request, ctx)


@router.post("/me/travel", dependencies=[Depends(check_csrf)])
def my_declare(
    request: Request,
    person_id: int = Form(...),
    place_code: str = Form(""),
    from_on: str = Form(""),
    to_on: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(resident_ctx),
) -> Response:
    person = access_person(ctx.session, ctx.actor, person_id)
    try:
        service.declare_stay(
            ctx, person, service.StayInput(place_code, form_day(from_on), form_day(to_on), note)
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        ctx.session.rollback()
        return _mine(request, ctx, form_problems(exc), 422)
    return RedirectResponse("/me/travel", status_code=303)


def _records(
    request: Request,
    ctx: Ctx,
    after: int | None,
    report: object = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    ctx.actor.require(access.READ)
    size = ctx.settings.page_size
    rows = repository.records_page(ctx.session, ctx.actor, repository.ListFilter(), after, size + 1)
    shown = rows[:size]
    return render(
        request,
        "travel/records.html",
        status_code=status,
        rows=shown,
        names=repository.place_names(ctx.session, [r.place_code for r in shown]),
        sources=rules.SOURCES,
        next_url=page_link("/travel/records", list(rows), size),
        report=report,
        problems=problems or [],
    )


@router.get("/travel/records")
def records_page(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _records(request, ctx, after)


@router.post("/travel/records/import", dependencies=[Depends(check_csrf)])
def records_import(
    request: Request,
    file: UploadFile = File(...),
    source: str = Form("carrier"),
    dry_run: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        report = imports.import_travel(ctx, file.filename or "travel.csv", read_upload(file), dry_run, source)
    except DomainError as exc:
        if exc.status not in (413, 422):
            raise
        ctx.session.rollback()
        return _records(request, ctx, None, None, form_problems(exc), exc.status)
    return _records(request, ctx, None, report, report.problems, 200)
