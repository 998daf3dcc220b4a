"""Pages of a pharmacy's sales."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.unithealth import rules
from lianfang.unithealth.access import REPORT, readable_unit
from lianfang.unithealth.pages import form_problems
from lianfang.unithealth.pharmacy import exports
from lianfang.unithealth.pharmacy import service as pharmacy
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)


def _sales(
    request: Request,
    ctx: Ctx,
    unit: Unit,
    problems: list[Problem] | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
    after: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.sales_list(ctx, unit)(after, size + 1))
    next_url = f"/unithealth/units/{unit.id}/sales?after={rows[size - 1].id}" if len(rows) > size else None
    return render(
        request,
        "unithealth/sales.html",
        status_code=status,
        unit=unit,
        rows=rows[:size],
        next_url=next_url,
        classes=rules.MEDICINE_CLASSES,
        problems=problems or [],
        form=form or {},
        can_report=ctx.actor.can(REPORT),
    )


@router.get("/unithealth/units/{unit_id}/sales")
def sales_page(
    request: Request, unit_id: int, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _sales(request, ctx, readable_unit(ctx.session, ctx.actor, unit_id), after=after)


@router.post("/unithealth/units/{unit_id}/sales", dependencies=[Depends(check_csrf)])
async def record_sale(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        quantity = int(form.get("quantity", "1") or 1)
    except ValueError:
        quantity = 0
    data = pharmacy.SaleInput(
        form.get("client_ref", ""),
        form.get("id_number", ""),
        form.get("buyer_name", ""),
        form.get("medicine_class", ""),
        form.get("medicine_name", ""),
        quantity,
    )
    try:
        pharmacy.record_sale(ctx, unit.id, data)
    except DomainError as exc:
        ctx.session.rollback()
        form.pop("id_number", None)
        return _sales(request, ctx, unit, form_problems(exc), 422 if exc.status == 422 else exc.status, form)
    return RedirectResponse(f"/unithealth/units/{unit.id}/sales", status_code=303)
