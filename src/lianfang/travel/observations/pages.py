"""Pages of inbound arrivals with their observation requirements."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import (
    check_csrf,
    render,
    staff_ctx,
)
from lianfang.people.access import access_person
from lianfang.travel import access, repository
from lianfang.travel.observations import service as observations
from lianfang.travel.pages import form_day, form_problems, page_link

router = APIRouter(include_in_schema=False)


def _arrivals(
    request: Request, ctx: Ctx, after: int | None, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    ctx.actor.require(access.READ)
    size = ctx.settings.page_size
    rows = repository.observations_page(ctx.session, ctx.actor, repository.ListFilter(), after, size + 1)
    shown = rows[:size]
    people = {p.id: p for p in repository.persons_by_ids(ctx.session, [o.person_id for o in shown])}
    return render(
        request,
        "travel/arrivals.html",
        status_code=status,
        rows=shown,
        people=people,
        next_url=page_link("/travel/arrivals", list(rows), size),
        problems=problems or [],
        today=access.today_of(ctx),
    )


@router.get("/travel/arrivals")
def arrivals_page(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Register an inbound arrival; observation requirements (returnees and arrivals) in scope."""
    return _arrivals(request, ctx, after)


@router.post("/travel/arrivals", dependencies=[Depends(check_csrf)])
def arrivals_add(
    request: Request,
    person_id: int = Form(...),
    arrived_on: str = Form(""),
    from_country: str = Form(""),
    port: str = Form(""),
    hotel: str = Form(""),
    source: str = Form("port"),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    person = access_person(ctx.session, ctx.actor, person_id)
    try:
        observations.register_arrival(
            ctx, person, observations.ArrivalInput(form_day(arrived_on), from_country, port, hotel, source)
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        ctx.session.rollback()
        return _arrivals(request, ctx, None, form_problems(exc), exc.status)
    return RedirectResponse("/travel/arrivals", status_code=303)
