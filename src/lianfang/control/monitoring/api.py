"""JSON API of daily health reports."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.control.monitoring import service as monitoring
from lianfang.control.schemas import (
    ReportCreate,
    ReportRead,
)
from lianfang.core.context import Ctx
from lianfang.core.web import get_ctx

router = APIRouter(prefix="/api/control", tags=["control"])


@router.post("/orders/{order_id}/reports", response_model=ReportRead, status_code=201)
def report(order_id: int, body: ReportCreate, ctx: Ctx = Depends(get_ctx, scope="function")) -> ReportRead:
    """Staff (control.write) or the resident whose order it is."""
    return ReportRead.model_validate(monitoring.record_report(ctx, order_id, body.temperature, body.symptoms))
