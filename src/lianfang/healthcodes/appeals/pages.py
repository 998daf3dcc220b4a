"""Staff pages of appeals: the community's list with decisions (one at a time or in bulk), one appeal,
and the 12345 hotline's appeal entry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, export_download, keyset_batches, render, staff_ctx
from lianfang.healthcodes import access, rules
from lianfang.healthcodes.appeals import service as appeals
from lianfang.healthcodes.status.views import RESULTS, code_view

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    labels = {"states": appeals.STATES, "channels": appeals.CHANNELS, "results": RESULTS}
    return render(request, template, status_code=status_code, **labels, **context)


PAGE = 50


@router.get("/healthcodes/appeals")
def appeal_list(
    request: Request, state: str = "open", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(access.READ)
    state = state if state in ("open", "cleared", "kept", "") else "open"
    rows = appeals.appeals_page(ctx, state, after, PAGE)
    return _render(
        request,
        "healthcodes/appeals.html",
        appeals=rows[:PAGE],
        next_after=rows[PAGE - 1].id if len(rows) > PAGE else None,
        state=state,
        marks=rules.POPUP_MARKS,
        problems=[],
    )


APPEAL_COLUMNS = ("id", "popup", "channel", "statement", "created_at", "state")


@router.get("/healthcodes/appeals/export")
def appeal_export(format: str = "csv", state: str = "open", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The appeal list as the page shows it (state filter, the actor's scope; the statement as shown)."""
    ctx.actor.require(access.READ)
    state = state if state in ("open", "cleared", "kept", "") else "open"
    batches = keyset_batches(lambda after, n: appeals.appeals_page(ctx, state, after, n), lambda a: a.id)
    lines = (
        [a.id, a.popup, a.channel, a.statement[:80], a.created_at.isoformat(), a.state]
        for batch in batches
        for a in batch
    )
    return export_download(
        ctx,
        format,
        "appeals",
        APPEAL_COLUMNS,
        lines,
        "healthcode.appeal.export",
        "health_appeal",
        state=state,
    )


@router.post("/healthcodes/appeals/decide", dependencies=[Depends(check_csrf)])
def decide_selected(
    request: Request,
    ids: list[str] = Form(default_factory=list),
    outcome: str = Form(""),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """Bulk decision on the selected appeals; each is decided in its own savepoint and reported."""
    problems: list[Problem] = []
    for raw in ids:
        if not raw.isdigit():
            problems.append(Problem("ids", f"编号“{raw}”无效", f"invalid id {raw!r}"))
            continue
        try:
            with ctx.session.begin_nested():
                appeals.decide_appeal(ctx, int(raw), outcome, reason)
        except DomainError as exc:
            found = exc.problems or [Problem("ids", exc.zh, exc.en)]
            problems += [Problem(p.field, f"#{raw}: {p.zh}", f"#{raw}: {p.en}") for p in found]
    if not ids:
        problems.append(Problem("ids", "请先选择申诉", "select appeals first"))
    if problems:
        rows = appeals.appeals_page(ctx, "open", None, PAGE)
        return _render(
            request,
            "healthcodes/appeals.html",
            status_code=422,
            appeals=rows[:PAGE],
            next_after=None,
            state="open",
            marks=rules.POPUP_MARKS,
            problems=problems,
        )
    return RedirectResponse("/healthcodes/appeals", status_code=303)


@router.get("/healthcodes/appeals/{appeal_id}")
def appeal_detail(request: Request, appeal_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(access.READ)
    appeal = appeals.access_appeal(ctx, appeal_id)
    person = access.staff_person(ctx, appeal.person_id, "appeal_view")
    return _render(
        request,
        "healthcodes/appeal.html",
        appeal=appeal,
        view=code_view(ctx, person),
        colours=rules.COLOURS,
        marks=rules.POPUP_MARKS,
        problems=[],
    )


@router.post("/healthcodes/appeals/{appeal_id}/decide", dependencies=[Depends(check_csrf)])
def appeal_decide(
    request: Request,
    appeal_id: int,
    outcome: str = Form(""),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        appeals.decide_appeal(ctx, appeal_id, outcome, reason)
    except DomainError as exc:
        if exc.status == 404:
            raise
        ctx.session.rollback()
        appeal = appeals.access_appeal(ctx, appeal_id)
        person = access.staff_person(ctx, appeal.person_id, "appeal_view")
        return _render(
            request,
            "healthcodes/appeal.html",
            status_code=422,
            appeal=appeal,
            view=code_view(ctx, person),
            colours=rules.COLOURS,
            marks=rules.POPUP_MARKS,
            problems=exc.problems or [Problem("outcome", exc.zh, exc.en)],
        )
    return RedirectResponse(f"/healthcodes/appeals/{appeal_id}", status_code=303)


@router.get("/healthcodes/hotline")
def hotline_form(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(access.HOTLINE)
    return _render(
        request, "healthcodes/hotline.html", marks=rules.POPUP_MARKS, appealable=rules.APPEALABLE, problems=[]
    )


@router.post("/healthcodes/hotline", dependencies=[Depends(check_csrf)])
def hotline_file(
    request: Request,
    name: str = Form(""),
    id_number: str = Form(""),
    popup: str = Form(""),
    statement: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    ctx.actor.require(access.HOTLINE)
    try:
        person = access.find_by_identity(ctx, name, id_number, local_date(ctx.now))
        if not ctx.actor.covers(person.jurisdiction_path):
            raise DomainError("该人员不在您的辖区", "this person is outside your jurisdiction", 422)
        appeal = appeals.file_appeal(ctx, person, popup, statement, "hotline")
    except DomainError as exc:
        ctx.session.rollback()
        return _render(
            request,
            "healthcodes/hotline.html",
            status_code=422,
            marks=rules.POPUP_MARKS,
            appealable=rules.APPEALABLE,
            problems=exc.problems or [Problem("id_number", exc.zh, exc.en)],
        )
    return RedirectResponse(f"/healthcodes/appeals/{appeal.id}", status_code=303)
