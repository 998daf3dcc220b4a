"""Pages of the event register."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.enforcement import rules
from lianfang.enforcement.access import DECIDE
from lianfang.enforcement.gatherings import exports, service
from lianfang.enforcement.pages import problems_of, status_of

router = APIRouter(include_in_schema=False)


def _events(
    request: Request,
    ctx: Ctx,
    after: int | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.events_list(ctx)(after, size + 1))
    next_url = f"/enforcement/events?after={rows[size - 1].id}" if len(rows) > size else None
    return render(
        request,
        "enforcement/events.html",
        status_code=status,
        rows=rows[:size],
        next_url=next_url,
        decisions=rules.DECISIONS,
        problems=problems or [],
        can_register=ctx.actor.can("registry.write"),
        can_decide=ctx.actor.can(DECIDE),
        today=local_date(ctx.now),
    )


@router.get("/enforcement/events")
def events_page(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _events(request, ctx, after)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@router.post("/enforcement/events", dependencies=[Depends(check_csrf)])
def register_event(
    request: Request,
    name: str = Form(""),
    organiser: str = Form(""),
    expected_size: str = Form(""),
    planned_date: str = Form(""),
    place: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    planned = _date(planned_date)
    size = int(expected_size) if expected_size.strip().isdigit() else 0
    if planned is None:
        return _events(
            request, ctx, problems=[Problem("planned_date", "请填写日期", "give the date")], status=422
        )
    data = service.EventInput(name, organiser, size, planned, ctx.actor.jurisdiction_id or 0, place)
    try:
        service.register_event(ctx, data)
    except DomainError as exc:
        ctx.session.rollback()
        return _events(request, ctx, problems=problems_of(exc), status=status_of(exc))
    return RedirectResponse("/enforcement/events", status_code=303)


@router.post("/enforcement/events/{event_id}/decision", dependencies=[Depends(check_csrf)])
def decide_event(
    request: Request,
    event_id: int,
    decision: str = Form(""),
    new_date: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.decide_event(ctx, event_id, decision, _date(new_date), note)
    except DomainError as exc:
        ctx.session.rollback()
        if exc.status == 404:
            raise
        return _events(request, ctx, problems=problems_of(exc), status=status_of(exc))
    return RedirectResponse("/enforcement/events", status_code=303)
