"""Forms on a person's page that join and leave a household."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.people.households import service as households
from lianfang.people.pages import form_problems, person_view

router = APIRouter(include_in_schema=False)


@router.post("/people/{person_id}/household", dependencies=[Depends(check_csrf)])
def household_join(
    request: Request,
    person_id: int,
    household_code: str = Form(""),
    address: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        households.join_household(ctx, person_id, None, household_code, address)
    except DomainError as exc:
        if exc.status != 422:
            raise
        ctx.session.rollback()
        return person_view(request, ctx, person_id, form_problems(exc), exc.status)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/household/leave", dependencies=[Depends(check_csrf)])
def household_leave(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    households.leave_household(ctx, person_id)
    return RedirectResponse(f"/people/{person_id}", status_code=303)
