"""JSON routes for supply: an outlet's daily report, one day's overview and its alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.supply import rules, service
from lianfang.supply import views as overview

router = APIRouter(prefix="/api/supply", tags=["supply"])


class ItemIn(BaseModel):
    good: str = Field(max_length=24)
    stock: float
    sold: float
    price: float = Field(description="retail price per unit, in yuan")


class ReportIn(BaseModel):
    venue_id: int
    day: date
    items: list[ItemIn] = Field(max_length=len(rules.GOODS) * 2)


def to_items(items: list[ItemIn]) -> list[service.Item]:
    return [service.Item(i.good, i.stock, i.sold, round(i.price * 100)) for i in items]


def alert_json(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "venue_id": a.venue_id,
        "day": a.day.isoformat(),
        "good": a.good,
        "kind": a.kind,
        "value": a.value,
        "threshold": a.threshold,
        "edition": a.edition,
        "assignment_id": a.assignment_id,
    }


@router.post("/reports")
def post_report(body: ReportIn, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    outcome = service.report(ctx, body.venue_id, body.day, to_items(body.items))
    return {
        "created": outcome.created,
        "corrected": outcome.corrected,
        "unchanged": outcome.unchanged,
        "alerts": [alert_json(a) for a in outcome.alerts],
    }


@router.get("/overview")
def get_overview(day: date | None = None, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    view = overview.overview(ctx, day)
    return {
        "day": view.day.isoformat(),
        "edition": rules.EDITION,
        "outlets": view.outlets,
        "reporting": view.reporting,
        "goods": [
            {
                "good": g.code,
                "outlets": g.outlets,
                "stock": g.stock,
                "sold": g.sold,
                "days_of_cover": g.cover,
                "low_price": g.low_price,
                "high_price": g.high_price,
            }
            for g in view.goods
        ],
        "alerts": [alert_json(a) for a in view.alerts],
        "alert_counts": view.by_kind,
    }
