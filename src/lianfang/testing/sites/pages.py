"""Forms that create sampling sites and labs (on the testing hub)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.testing.pages import hub_page
from lianfang.testing.sites import service

router = APIRouter(include_in_schema=False)


@router.post("/testing/sites", dependencies=[Depends(check_csrf)])
def create_site(
    request: Request,
    name: str = Form(""),
    jurisdiction_id: int = Form(0),
    address: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.create_site(ctx, name, jurisdiction_id, address)
    except Invalid as exc:
        ctx.session.rollback()
        return hub_page(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse("/testing", status_code=303)


@router.post("/testing/labs", dependencies=[Depends(check_csrf)])
def create_lab(
    request: Request,
    name: str = Form(""),
    jurisdiction_id: int = Form(0),
    daily_capacity: int = Form(0),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.create_lab(ctx, name, jurisdiction_id, daily_capacity)
    except Invalid as exc:
        ctx.session.rollback()
        return hub_page(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse("/testing", status_code=303)
