"""Pages for the leadership group's office: the organisation and linked leaders, meetings and their
decisions (directives), one directive's targets with urging, the supervision board and the leader's
view. Incidents and work groups are in pages_ops, forces and responsibility in pages_forces."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.assignments import rules as assignment_rules
from lianfang.command import exports, organisation, repository, rules, service
from lianfang.command.access import MANAGE, READ, access_directive, access_meeting
from lianfang.command.board import board_view, leader_view, refresh_now
from lianfang.command.pages_forces import router as forces_router
from lianfang.command.pages_ops import router as ops_router
from lianfang.command.views import int_or_none, page, parse_local
from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.core.web import apply_selection, check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)
router.include_router(exports.router)  # before the /command/<list>/{id} pages
router.include_router(ops_router)
router.include_router(forces_router)


def _hub(
    request: Request, ctx: Ctx, problems: list[Problem] | None = None, status_code: int = 200
) -> Response:
    ctx.actor.require(READ)
    bodies = repository.bodies(ctx.session)
    return page(
        request,
        "hub.html",
        status_code,
        bodies=bodies,
        by_id={b.id: b for b in bodies},
        districts=repository.districts(ctx.session, ctx.actor),
        leaders=repository.leaders(ctx.session),
        problems=problems or [],
    )


@router.get("/command")
def hub(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _hub(request, ctx)


def _body_form(
    request: Request,
    ctx: Ctx,
    body_id: int | None,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
) -> Response:
    ctx.actor.require(MANAGE)
    bodies = [b for b in repository.bodies(ctx.session) if b.id != body_id]
    return page(
        request, "body_form.html", status, body_id=body_id, form=form, parents=bodies, problems=problems
    )


@router.get("/command/bodies/new")
def body_new(request: Request, kind: str = "group", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _body_form(request, ctx, None, {"kind": kind, "active": True}, [])


@router.get("/command/bodies/{body_id}")
def body_edit(request: Request, body_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    from lianfang.command.models import CommandBody

    ctx.actor.require(MANAGE)
    found = ctx.session.get(CommandBody, body_id)
    if found is None:
        raise NotFound("机构", "body")
    contact = ""
    if found.contact_user_id:
        from lianfang.accounts.models import User

        user = ctx.session.get(User, found.contact_user_id)
        contact = user.username if user else ""
    form = {
        c: getattr(found, c) for c in ("kind", "code", "name", "name_en", "duties", "parent_id", "lead_name")
    }
    form |= {"sort": found.sort, "active": found.active, "contact_username": contact}
    return _body_form(request, ctx, body_id, form, [])


@router.post("/command/bodies/save", dependencies=[Depends(check_csrf)])
def body_save(
    request: Request,
    body_id: str = Form(""),
    kind: str = Form(""),
    code: str = Form(""),
    name: str = Form(""),
    name_en: str = Form(""),
    duties: str = Form(""),
    parent_id: str = Form(""),
    lead_name: str = Form(""),
    contact_username: str = Form(""),
    sort: str = Form("0"),
    active: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    data = organisation.BodyInput(
        kind=kind,
        code=code,
        name=name,
        name_en=name_en,
        duties=duties,
        parent_id=int_or_none(parent_id),
        lead_name=lead_name,
        contact_username=contact_username,
        sort=int(sort) if sort.strip().lstrip("-").isdigit() else 0,
        active=bool(active),
    )
    try:
        organisation.save_body(ctx, int_or_none(body_id), data)
    except Invalid as exc:
        ctx.session.rollback()
        form = {**data.__dict__}
        return _body_form(request, ctx, int_or_none(body_id), form, list(exc.problems), 422)
    return RedirectResponse("/command#organisation", status_code=303)


@router.post("/command/leaders/{jurisdiction_id}", dependencies=[Depends(check_csrf)])
def leader_save(
    request: Request,
    jurisdiction_id: int,
    leader_name: str = Form(""),
    leader_title: str = Form(""),
    username: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        organisation.set_leader(ctx, jurisdiction_id, leader_name, leader_title, username)
    except Invalid as exc:
        ctx.session.rollback()
        return _hub(request, ctx, list(exc.problems), 422)
    return RedirectResponse("/command#leaders", status_code=303)


# Meetings and directives ----------------------------------------------------------------------------


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


# Board ----------------------------------------------------------------------------------------------


@router.get("/command/board")
def board(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    view = board_view(ctx)
    return page(request, "board.html", view=view, now=ctx.now, kind_names=_kind_names())


@router.post("/command/board/refresh", dependencies=[Depends(check_csrf)])
def board_refresh(ctx: Ctx = Depends(staff_ctx)) -> Response:
    refresh_now(ctx)
    return RedirectResponse("/command/board", status_code=303)


@router.post("/command/board/urge", dependencies=[Depends(check_csrf)])
def board_urge(
    request: Request, ids: list[str] = Form([]), text: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    def again(problems: list[Problem]) -> Response:
        view = board_view(ctx)
        return page(
            request, "board.html", 422, view=view, now=ctx.now, kind_names=_kind_names(), problems=problems
        )

    return apply_selection(
        ctx,
        ids,
        lambda chosen: service.urge(ctx, chosen, text),
        again=again,
        done=lambda _urged: RedirectResponse("/command/board", status_code=303),
    )


@router.get("/command/leader")
def leader(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return page(request, "leader.html", districts=leader_view(ctx), now=ctx.now, kind_names=_kind_names())


def _kind_names() -> dict[str, tuple[str, str]]:
    """Names of the assignment kinds the board breaks counts into; unknown kinds show their code."""
    return {
        "task": ("督办事项", "Task"),
        rules.DIRECTIVE_KIND: ("指令", "Directive"),
        rules.FOLLOWUP_KIND: ("突发情况续报", "Incident follow-up"),
    }
