"""JSON API of the found-under-control share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import repository
from lianfang.tracing.access import READ
from lianfang.tracing.metrics import rules as metrics

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


@router.get("/metrics/under-control")
def under_control(days: int = 14, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    """管控内发现率 per local day and district (district "*": the caller's whole scope)."""
    ctx.actor.require(READ)
    days = max(1, min(days, 90))
    rows = repository.found_by_counts(
        ctx.session, ctx.actor, ctx.now - timedelta(days=days), ctx.now + timedelta(seconds=1)
    )
    return [
        {
            "day": r.day,
            "district_path": r.district_path,
            "cases": r.cases,
            "under_control": r.under_control,
            "share": r.share,
        }
        for r in metrics.under_control_share(rows)
    ]
