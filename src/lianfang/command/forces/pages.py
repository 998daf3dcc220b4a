"""Pages of forces and their moves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.command import repository, rules
from lianfang.command.access import access_force
from lianfang.command.forces import exports, service
from lianfang.command.pages import int_or_none, page
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


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
        service.create_force(
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
        lambda chosen: service.move_forces(ctx, chosen, to_jurisdiction_id, reason),
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
