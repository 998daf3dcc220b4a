"""Pages of daily monitoring: the person's own orders with today's report, and the staff's follow-up
list of missed reports and tests due today."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import and_, select

from lianfang.control import rules
from lianfang.control import service as orders
from lianfang.control.access import READ, orders_filter
from lianfang.control.models import ControlOrder
from lianfang.control.monitoring import service as monitoring
from lianfang.control.pages import people_by_id
from lianfang.control.service import today
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, resident_ctx, staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.people.access import own_records

router = APIRouter(include_in_schema=False)


@router.get("/control/follow-up")
def follow_up_page(
    request: Request,
    team: str = "",
    community_id: int | None = None,
    after: int | None = None,
    tests: bool = False,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The daily follow-up list of a community team (printable); tests=1 keeps only tests due today, the
    sampling team's list."""
    ctx.actor.require(READ)
    day: date = orders.today(ctx)
    scope = orders_filter(ctx.actor)
    if community_id is not None:
        place = access_jurisdiction(ctx.session, ctx.actor, community_id)
        scope = and_(scope, ControlOrder.jurisdiction_path.startswith(place.path))
    size = ctx.settings.page_size
    rows = monitoring.follow_up(ctx, scope, day, team, after, size + 1)
    next_url = None
    if len(rows) > size:
        params = {"team": team, "community_id": community_id or "", "tests": int(tests)}
        next_url = "/control/follow-up?" + urlencode(params | {"after": rows[size - 1].order.id})
    rows = rows[:size]
    if tests:
        rows = [r for r in rows if r.test_due]
    return render(
        request,
        "control/follow_up.html",
        rows=rows,
        people=people_by_id(ctx, [r.order.person_id for r in rows]),
        day=day,
        team=team,
        tests=tests,
        kinds=rules.ORDER_KINDS,
        swabs=rules.SWABS,
        next_url=next_url,
    )


def _mine(request: Request, ctx: Ctx, problems: list[Problem] | None = None, status: int = 200) -> Response:
    people = {p.id: p for p in own_records(ctx.session, ctx.actor)}
    orders = (
        list(
            ctx.session.scalars(
                select(ControlOrder)
                .where(ControlOrder.person_id.in_(list(people)), ControlOrder.status == "active")
                .order_by(ControlOrder.id)
            )
        )
        if people
        else []
    )
    return render(
        request,
        "control/mine.html",
        status_code=status,
        orders=orders,
        people=people,
        kinds=rules.ORDER_KINDS,
        today=today(ctx),
        problems=problems or [],
    )


@router.get("/me/control")
def my_orders(request: Request, ctx: Ctx = Depends(resident_ctx)) -> Response:
    return _mine(request, ctx)


@router.post("/me/control/{order_id}/report", dependencies=[Depends(check_csrf)])
def my_report(
    request: Request,
    order_id: int,
    temperature: str = Form(""),
    symptoms: str = Form(""),
    ctx: Ctx = Depends(resident_ctx),
) -> Response:
    try:
        try:
            value = float(temperature) if temperature.strip() else None
        except ValueError:
            value = -1.0
        monitoring.record_report(ctx, order_id, value, symptoms)
    except DomainError as exc:
        if exc.status != 422:
            raise
        ctx.session.rollback()
        return _mine(request, ctx, list(exc.problems), 422)
    return RedirectResponse("/me/control", status_code=303)
