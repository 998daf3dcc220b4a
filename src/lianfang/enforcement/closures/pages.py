"""Pages of closure orders."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.enforcement import rules
from lianfang.enforcement.access import DECIDE
from lianfang.enforcement.closures import exports, service
from lianfang.enforcement.pages import problems_of, status_of
from lianfang.venues.rules import KINDS as VENUE_KINDS

router = APIRouter(include_in_schema=False)


def _closures(
    request: Request,
    ctx: Ctx,
    problems: list[Problem] | None = None,
    status: int = 200,
    closed: int | None = None,
    after: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    orders = list(exports.closures_list(ctx)(after, size + 1))
    next_url = f"/enforcement/closures?after={orders[size - 1].id}" if len(orders) > size else None
    return render(
        request,
        "enforcement/closures.html",
        status_code=status,
        orders=orders[:size],
        next_url=next_url,
        kinds=VENUE_KINDS,
        default_kinds=sorted(rules.closed_kinds()),
        problems=problems or [],
        closed=closed,
        can_decide=ctx.actor.can(DECIDE),
        home_id=ctx.actor.jurisdiction_id,
    )


@router.get("/enforcement/closures")
def closures_page(
    request: Request, closed: int | None = None, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _closures(request, ctx, closed=closed, after=after)


@router.post("/enforcement/closures", dependencies=[Depends(check_csrf)])
def order_closure(
    request: Request, venue_kind: str = Form(""), reason: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        _order, closed = service.order_closure(ctx, venue_kind, ctx.actor.jurisdiction_id or 0, reason)
    except DomainError as exc:
        ctx.session.rollback()
        return _closures(request, ctx, problems_of(exc), status_of(exc))
    return RedirectResponse(f"/enforcement/closures?closed={len(closed)}", status_code=303)


@router.post("/enforcement/closures/{order_id}/lift", dependencies=[Depends(check_csrf)])
def lift_closure(order_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.lift_closure(ctx, order_id)
    return RedirectResponse("/enforcement/closures", status_code=303)
