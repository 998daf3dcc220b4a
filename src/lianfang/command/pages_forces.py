"""Pages for forces and their moves, and four-party responsibility of a unit or venue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.command import exports, operations, organisation, repository, rules
from lianfang.command.access import READ, REPORT, access_force
from lianfang.command.views import int_or_none, page
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


# Forces ---------------------------------------------------------------------------------------------


def _forces(
    request: Request,
    ctx: Ctx,
    kind: str,
    after: int | None,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.forces_list(ctx, kind)(after, size + 1))
    next_url = f"/command/forces?kind={kind}&after={rows[size - 1].id}" if len(rows) > size else None
    districts = repository.districts(ctx.session, ctx.actor)
    totals = repository.force_totals(ctx.session, ctx.actor)
    return page(
        request,
        "forces.html",
        status,
        forces=rows[:size],
        places=repository.jurisdictions_by_ids(ctx.session, [f.jurisdiction_id for f in rows]),
        districts=districts,
        totals=totals,
        kind=kind,
        next_url=next_url,
        form=form,
        problems=problems,
    )


@router.get("/command/forces")
def forces(request: Request, kind: str = "", after: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _forces(request, ctx, kind if kind in rules.FORCE_KINDS else "", int_or_none(after), {}, [])


@router.post("/command/forces", dependencies=[Depends(check_csrf)])
def force_create(
    request: Request,
    kind: str = Form(""),
    name: str = Form(""),
    size: str = Form(""),
    jurisdiction_id: int = Form(0),
    leader_name: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {
        "kind": kind,
        "name": name,
        "size": size,
        "jurisdiction_id": jurisdiction_id,
        "leader_name": leader_name,
    }
    try:
        operations.create_force(
            ctx,
            kind=kind,
            name=name,
            size=int(size) if size.strip().isdigit() else 0,
            jurisdiction_id=jurisdiction_id,
            leader_name=leader_name,
        )
    except Invalid as exc:
        ctx.session.rollback()
        return _forces(request, ctx, "", None, form, list(exc.problems), 422)
    return RedirectResponse("/command/forces", status_code=303)


@router.post("/command/forces/move", dependencies=[Depends(check_csrf)])
def force_move(
    request: Request,
    ids: list[str] = Form([]),
    to_jurisdiction_id: int = Form(0),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return apply_selection(
        ctx,
        ids,
        lambda chosen: operations.move_forces(ctx, chosen, to_jurisdiction_id, reason),
        again=lambda problems: _forces(request, ctx, "", None, {}, problems, 422),
        done=lambda _moved: RedirectResponse("/command/forces", status_code=303),
    )


@router.get("/command/forces/{force_id}")
def force_view(request: Request, force_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    force = access_force(ctx.session, ctx.actor, force_id)
    moves = repository.moves_of(ctx.session, force.id)
    ids = [force.jurisdiction_id, force.home_jurisdiction_id] + [m.from_jurisdiction_id for m in moves]
    places = repository.jurisdictions_by_ids(ctx.session, ids + [m.to_jurisdiction_id for m in moves])
    return page(request, "force.html", force=force, moves=moves, places=places)


# Four-party responsibility ----------------------------------------------------------------------------


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
