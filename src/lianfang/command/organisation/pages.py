"""Pages of the organisation: bodies and their duties, linked leaders, and four-party responsibility of
a unit or venue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.command import repository, rules
from lianfang.command.access import MANAGE, READ, REPORT
from lianfang.command.organisation import service as organisation
from lianfang.command.pages import hub_page, int_or_none, page
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.core.web import check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


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
        return hub_page(request, ctx, list(exc.problems), 422)
    return RedirectResponse("/command#leaders", status_code=303)


def _responsibility(
    request: Request,
    ctx: Ctx,
    subject_type: str,
    subject_id: int,
    form: dict[str, str] | None,
    problems: list[Problem],
    status: int = 200,
) -> Response:
    if not (ctx.actor.can(READ) or ctx.actor.can("registry.read")):
        ctx.actor.require(READ)
    subject = organisation.subject_of(ctx, subject_type, subject_id)
    found = repository.responsibility(ctx.session, subject_type, subject.id)
    if form is None:
        form = {key: getattr(found, key) if found else "" for key in rules.RESPONSIBILITY_PARTIES}
    return page(
        request,
        "responsibility.html",
        status,
        subject=subject,
        subject_type=subject_type,
        record=found,
        form=form,
        can_edit=ctx.actor.can(REPORT),
        problems=problems,
    )


@router.get("/command/responsibility/{subject_type}/{subject_id}")
def responsibility(
    request: Request, subject_type: str, subject_id: int, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _responsibility(request, ctx, subject_type, subject_id, None, [])


@router.post("/command/responsibility/{subject_type}/{subject_id}", dependencies=[Depends(check_csrf)])
def responsibility_save(
    request: Request,
    subject_type: str,
    subject_id: int,
    territorial: str = Form(""),
    department: str = Form(""),
    unit_party: str = Form(""),
    individual: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {
        "territorial": territorial,
        "department": department,
        "unit_party": unit_party,
        "individual": individual,
    }
    try:
        organisation.set_responsibility(ctx, subject_type, subject_id, form)
    except Invalid as exc:
        ctx.session.rollback()
        return _responsibility(request, ctx, subject_type, subject_id, form, list(exc.problems), 422)
    return RedirectResponse(f"/command/responsibility/{subject_type}/{subject_id}", status_code=303)
