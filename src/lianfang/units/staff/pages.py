"""Forms on a unit's page that add, change and end staff memberships."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.units.pages import form_problems, unit_redirect, unit_view
from lianfang.units.staff import service as staff

router = APIRouter(include_in_schema=False)


@router.post("/units/{unit_id}/staff", dependencies=[Depends(check_csrf)])
def add_member(
    request: Request,
    unit_id: int,
    id_number: str = Form(""),
    person_id: str = Form(""),
    role: str = Form(""),
    group_name: str = Form(""),
    via_unit_code: str = Form(""),
    start_date: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {"id_number": id_number, "person_id": person_id, "role": role, "group_name": group_name}
    form["via_unit_code"] = via_unit_code
    try:
        start = date.fromisoformat(start_date) if start_date.strip() else None
        pid = int(person_id) if person_id.strip() else None
    except ValueError:
        problem = Problem("start_date", "日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD")
        return unit_view(request, ctx, unit_id, [problem], 422, member_form=form)
    data = staff.MemberInput(role, pid, id_number, group_name, None, via_unit_code, start)
    try:
        staff.add_member(ctx, unit_id, data)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        ctx.session.rollback()
        return unit_view(request, ctx, unit_id, form_problems(exc), exc.status, member_form=form)
    return unit_redirect(unit_id, "#staff")


@router.post("/units/{unit_id}/staff/{membership_id}", dependencies=[Depends(check_csrf)])
def update_member(
    request: Request,
    unit_id: int,
    membership_id: int,
    role: str = Form(""),
    group_name: str = Form(""),
    via_unit_code: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        staff.update_member(ctx, unit_id, membership_id, role, group_name, None, via_unit_code)
    except Invalid as exc:
        ctx.session.rollback()
        return unit_view(request, ctx, unit_id, exc.problems, 422)
    return unit_redirect(unit_id, "#staff")


@router.post("/units/{unit_id}/staff/{membership_id}/end", dependencies=[Depends(check_csrf)])
def end_member(request: Request, unit_id: int, membership_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    try:
        staff.end_member(ctx, unit_id, membership_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        ctx.session.rollback()
        return unit_view(request, ctx, unit_id, form_problems(exc), exc.status)
    return unit_redirect(unit_id, "#staff")
