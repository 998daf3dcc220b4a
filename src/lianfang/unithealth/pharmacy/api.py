"""JSON API of pharmacy sales."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.unithealth import repository
from lianfang.unithealth.access import readable_unit, require_read, rows_filter
from lianfang.unithealth.models import PharmacySale
from lianfang.unithealth.pharmacy import service as pharmacy
from lianfang.unithealth.schemas import (
    DutyOut,
    SaleIn,
    SaleOut,
    SalePage,
    SaleResult,
)

router = APIRouter(prefix="/api/unithealth", tags=["unithealth"])


@router.post("/units/{unit_id}/sales", response_model=SaleResult)
def record_sale(unit_id: int, body: SaleIn, ctx: Ctx = Depends(staff_ctx)) -> JSONResponse:
    data = pharmacy.SaleInput(**body.model_dump())
    sale, duty, created = pharmacy.record_sale(ctx, unit_id, data)
    result = SaleResult(sale=SaleOut.model_validate(sale), duty=DutyOut.model_validate(duty), created=created)
    return JSONResponse(result.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/sales", response_model=SalePage)
def list_sales(
    unit_id: int | None = None, after: int | None = None, limit: int = 100, ctx: Ctx = Depends(staff_ctx)
) -> SalePage:
    require_read(ctx.actor)
    if unit_id is not None:
        readable_unit(ctx.session, ctx.actor, unit_id)
    size = max(1, min(limit, 500))
    scope = rows_filter(ctx.actor, PharmacySale.jurisdiction_path, PharmacySale.unit_id)
    rows = repository.sales_page(ctx.session, scope, unit_id, after, size + 1)
    audit.record(ctx, "unithealth.sale.listed", "pharmacy_sale", None, ctx.actor.scope_path, unit_id=unit_id)
    items = [SaleOut.model_validate(s) for s in rows[:size]]
    return SalePage(items=items, next_after=items[-1].id if len(rows) > size else None)
