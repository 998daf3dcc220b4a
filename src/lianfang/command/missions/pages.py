"""Pages of work groups sent to districts and their findings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.assignments import rules as assignment_rules
from lianfang.command import repository
from lianfang.command.access import access_mission
from lianfang.command.missions import exports, service
from lianfang.command.pages import int_or_none, page, parse_local
from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


def _missions(
    request: Request,
    ctx: Ctx,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
    before: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.missions_list(ctx)(before, size + 1))
    next_url = f"/command/missions?before={rows[size - 1].id}" if len(rows) > size else None
    rows = rows[:size]
    places = repository.jurisdictions_by_ids(ctx.session, [m.jurisdiction_id for m in rows])
    districts = repository.districts(ctx.session, ctx.actor)
    return page(
        request,
        "missions.html",
        status,
        missions=rows,
        next_url=next_url,
        places=places,
        districts=districts,
        form=form,
        problems=problems,
    )


@router.get("/command/missions")
def missions(request: Request, before: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _missions(request, ctx, {}, [], before=int_or_none(before))


@router.post("/command/missions", dependencies=[Depends(check_csrf)])
def mission_send(
    request: Request,
    jurisdiction_id: int = Form(0),
    purpose: str = Form(""),
    leader_name: str = Form(""),
    members: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {
        "jurisdiction_id": jurisdiction_id,
        "purpose": purpose,
        "leader_name": leader_name,
        "members": members,
    }
    try:
        mission = service.send_mission(ctx, jurisdiction_id, purpose, leader_name, members)
    except Invalid as exc:
        ctx.session.rollback()
        return _missions(request, ctx, form, list(exc.problems), 422)
    return RedirectResponse(f"/command/missions/{mission.id}", status_code=303)


def _mission(
    request: Request,
    ctx: Ctx,
    mission_id: int,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
) -> Response:
    mission = access_mission(ctx.session, ctx.actor, mission_id)
    findings = repository.directives_of(ctx.session, mission_id=mission.id)
    return page(
        request,
        "mission.html",
        status,
        mission=mission,
        place=repository.jurisdictions_by_ids(ctx.session, [mission.jurisdiction_id]).get(
            mission.jurisdiction_id
        ),
        findings=findings,
        targets=repository.targets_of(ctx.session, [d.id for d in findings]),
        default_deadline=to_local(assignment_rules.default_deadline(ctx.now)),
        now=ctx.now,
        form=form,
        problems=problems,
    )


@router.get("/command/missions/{mission_id}")
def mission_view(request: Request, mission_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _mission(request, ctx, mission_id, {}, [])


@router.post("/command/missions/{mission_id}/findings", dependencies=[Depends(check_csrf)])
def mission_finding(
    request: Request,
    mission_id: int,
    title: str = Form(""),
    body: str = Form(""),
    deadline: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.add_finding(ctx, mission_id, title, body, parse_local(deadline, "deadline"))
    except Invalid as exc:
        ctx.session.rollback()
        form = {"title": title, "body": body, "deadline": deadline}
        return _mission(request, ctx, mission_id, form, list(exc.problems), 422)
    return RedirectResponse(f"/command/missions/{mission_id}#findings", status_code=303)


@router.post("/command/missions/{mission_id}/return", dependencies=[Depends(check_csrf)])
def mission_return(mission_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.close_mission(ctx, mission_id)
    return RedirectResponse(f"/command/missions/{mission_id}", status_code=303)
