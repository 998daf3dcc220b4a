"""Pages of meetings and their decisions (directives), one directive's targets with urging."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.assignments import rules as assignment_rules
from lianfang.command import repository
from lianfang.command.access import access_directive, access_meeting
from lianfang.command.meetings import exports, service
from lianfang.command.pages import int_or_none, page, parse_local
from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


@router.get("/command/meetings")
def meetings(request: Request, before: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.meetings_list(ctx)(int_or_none(before), size + 1))
    next_url = f"/command/meetings?before={rows[size - 1].id}" if len(rows) > size else None
    return page(request, "meetings.html", meetings=rows[:size], next_url=next_url, form={}, problems=[])


@router.post("/command/meetings", dependencies=[Depends(check_csrf)])
def meeting_create(
    request: Request,
    title: str = Form(""),
    number: str = Form(""),
    held_at: str = Form(""),
    chair: str = Form(""),
    summary: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {"title": title, "number": number, "held_at": held_at, "chair": chair, "summary": summary}
    try:
        meeting = service.create_meeting(ctx, title, number, parse_local(held_at, "held_at"), chair, summary)
    except Invalid as exc:
        ctx.session.rollback()
        rows = repository.meetings_page(ctx.session, None, ctx.settings.page_size)
        return page(
            request, "meetings.html", 422, meetings=rows, next_url=None, form=form, problems=exc.problems
        )
    return RedirectResponse(f"/command/meetings/{meeting.id}", status_code=303)


def _meeting(
    request: Request,
    ctx: Ctx,
    meeting_id: int,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
) -> Response:
    meeting = access_meeting(ctx.session, ctx.actor, meeting_id)
    directives = repository.directives_of(ctx.session, meeting_id=meeting.id)
    return page(
        request,
        "meeting.html",
        status,
        meeting=meeting,
        directives=directives,
        targets=repository.targets_of(ctx.session, [d.id for d in directives]),
        districts=repository.districts(ctx.session, ctx.actor),
        bodies=[b for b in repository.bodies(ctx.session, True) if b.kind != "leadership"],
        default_deadline=to_local(assignment_rules.default_deadline(ctx.now)),
        now=ctx.now,
        form=form,
        problems=problems,
    )


@router.get("/command/meetings/{meeting_id}")
def meeting_view(request: Request, meeting_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _meeting(request, ctx, meeting_id, {}, [])


@router.post("/command/meetings/{meeting_id}/directives", dependencies=[Depends(check_csrf)])
def decision_create(
    request: Request,
    meeting_id: int,
    title: str = Form(""),
    body: str = Form(""),
    deadline: str = Form(""),
    district_ids: list[int] = Form([]),
    body_ids: list[int] = Form([]),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    meeting = access_meeting(ctx.session, ctx.actor, meeting_id)
    form = {
        "title": title,
        "body": body,
        "deadline": deadline,
        "district_ids": district_ids,
        "body_ids": body_ids,
    }
    try:
        service.issue_directive(
            ctx,
            title=title,
            body=body,
            district_ids=district_ids,
            body_ids=body_ids,
            deadline=parse_local(deadline, "deadline"),
            meeting_id=meeting.id,
        )
    except Invalid as exc:
        ctx.session.rollback()
        return _meeting(request, ctx, meeting_id, form, list(exc.problems), 422)
    return RedirectResponse(f"/command/meetings/{meeting_id}#decisions", status_code=303)


def _directive(
    request: Request, ctx: Ctx, directive_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    directive = access_directive(ctx.session, ctx.actor, directive_id)
    return page(
        request,
        "directive.html",
        status,
        directive=directive,
        targets=repository.targets_of(ctx.session, [directive.id]).get(directive.id, []),
        now=ctx.now,
        problems=problems or [],
    )


@router.get("/command/directives/{directive_id}")
def directive_view(request: Request, directive_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _directive(request, ctx, directive_id)


@router.post("/command/directives/{directive_id}/urge", dependencies=[Depends(check_csrf)])
def directive_urge(
    request: Request,
    directive_id: int,
    ids: list[str] = Form([]),
    text: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    access_directive(ctx.session, ctx.actor, directive_id)
    return apply_selection(
        ctx,
        ids,
        lambda chosen: service.urge(ctx, chosen, text),
        again=lambda problems: _directive(request, ctx, directive_id, problems, 422),
        done=lambda _urged: RedirectResponse(f"/command/directives/{directive_id}", status_code=303),
    )
