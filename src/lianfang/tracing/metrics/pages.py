"""The tracing metrics page: the found-under-control share."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import repository
from lianfang.tracing.access import READ
from lianfang.tracing.cases.pages import render_tracing
from lianfang.tracing.metrics import rules as metrics

router = APIRouter(include_in_schema=False)


@router.get("/tracing/metrics")
def metrics_page(request: Request, days: int = 14, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    days = max(1, min(days, 90))
    found = repository.found_by_counts(
        ctx.session, ctx.actor, ctx.now - timedelta(days=days), ctx.now + timedelta(seconds=1)
    )
    rows = metrics.under_control_share(found)
    places = repository.jurisdictions_by_paths(
        ctx.session, [r.district_path for r in rows if r.district_path != "*"]
    )
    return render_tracing(request, "tracing/metrics.html", rows=rows, places=places, days=days)
