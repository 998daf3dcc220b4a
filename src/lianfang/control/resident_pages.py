"""The resident's own page: their active control orders, the plan and today's health report (phone-sized;
reports are `by = self`). Only the records registered under the resident's verified phone are reachable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.control import monitoring, rules
from lianfang.control.models import ControlOrder
from lianfang.control.orders import today
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, resident_ctx
from lianfang.people.access import own_records

router = APIRouter(include_in_schema=False)


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
