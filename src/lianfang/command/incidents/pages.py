"""Pages of incidents and their follow-ups."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.assignments import rules as assignment_rules
from lianfang.assignments.models import Assignment
from lianfang.command import repository
from lianfang.command.access import REPORT, access_incident
from lianfang.command.incidents import exports, service
from lianfang.command.pages import int_or_none, page, parse_local
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


def _incidents(
    request: Request,
    ctx: Ctx,
    form: dict[str, Any],
    problems: list[Problem],
    status: int = 200,
    before: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.incidents_list(ctx)(before, size + 1))
    next_url = f"/command/incidents?before={rows[size - 1].id}" if len(rows) > size else None
    return page(
        request,
        "incidents.html",
        status,
        incidents=rows[:size],
        places=repository.jurisdictions_by_ids(ctx.session, [i.jurisdiction_id for i in rows]),
        districts=repository.districts(ctx.session, ctx.actor),
        default_hours=ctx.settings.command_followup_hours,
        next_url=next_url,
        now=ctx.now,
        form=form,
        problems=problems,
    )


@router.get("/command/incidents")
def incidents(request: Request, before: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _incidents(request, ctx, {}, [], before=int_or_none(before))


@router.post("/command/incidents", dependencies=[Depends(check_csrf)])
def incident_report(
    request: Request,
    jurisdiction_id: int = Form(0),
    occurred_at: str = Form(""),
    place: str = Form(""),
    summary: str = Form(""),
    measures: str = Form(""),
    interval_hours: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {
        "jurisdiction_id": jurisdiction_id,
        "occurred_at": occurred_at,
        "place": place,
        "summary": summary,
        "measures": measures,
        "interval_hours": interval_hours,
    }
    try:
        hours = float(interval_hours) if interval_hours.strip() else None
        when = parse_local(occurred_at, "occurred_at") or ctx.now
        found = service.report_incident(
            ctx,
            jurisdiction_id=jurisdiction_id,
            occurred_at=when,
            place=place,
            summary=summary,
            measures=measures,
            interval_hours=hours,
        )
    except ValueError:
        return _incidents(
            request,
            ctx,
            form,
            [Problem("interval_hours", "续报间隔须为数字", "the interval is a number")],
            422,
        )
    except Invalid as exc:
        ctx.session.rollback()
        return _incidents(request, ctx, form, list(exc.problems), 422)
    return RedirectResponse(f"/command/incidents/{found.id}", status_code=303)


def _incident(
    request: Request, ctx: Ctx, incident_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    incident = access_incident(ctx.session, ctx.actor, incident_id)
    current = (
        ctx.session.get(Assignment, incident.followup_assignment_id)
        if incident.followup_assignment_id
        else None
    )
    return page(
        request,
        "incident.html",
        status,
        incident=incident,
        place=repository.jurisdictions_by_ids(ctx.session, [incident.jurisdiction_id]).get(
            incident.jurisdiction_id
        ),
        followups=repository.followups_of(ctx.session, incident.id),
        current=current,
        overdue=current is not None and assignment_rules.is_late(current.state, current.deadline, ctx.now),
        can_report=ctx.actor.can(REPORT),
        now=ctx.now,
        problems=problems or [],
    )


@router.get("/command/incidents/{incident_id}")
def incident_view(request: Request, incident_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _incident(request, ctx, incident_id)


@router.post("/command/incidents/{incident_id}/followups", dependencies=[Depends(check_csrf)])
def incident_followup(
    request: Request,
    incident_id: int,
    text: str = Form(""),
    final: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.add_followup(ctx, incident_id, text, bool(final))
    except Invalid as exc:
        ctx.session.rollback()
        return _incident(request, ctx, incident_id, list(exc.problems), 422)
    return RedirectResponse(f"/command/incidents/{incident_id}", status_code=303)


@router.post("/command/incidents/{incident_id}/close", dependencies=[Depends(check_csrf)])
def incident_close(incident_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.close_incident(ctx, incident_id)
    return RedirectResponse(f"/command/incidents/{incident_id}", status_code=303)
