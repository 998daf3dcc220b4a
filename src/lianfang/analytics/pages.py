"""The dashboard page and its JSON twin, the on-demand refresh, and plotly.js served from the plotly
wheel's own package data (never from a CDN)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from lianfang.analytics import ports as panels
from lianfang.analytics import refresh, rules
from lianfang.analytics import render as charts
from lianfang.analytics import render as tilemap
from lianfang.analytics.views import READ, Dashboard, Line, dashboard
from lianfang.control.rules import ZONE_LEVELS
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.i18n import pick
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.travel.rules import LEVELS as RISK_LEVELS

router = APIRouter()
REFRESH = "analytics.refresh"
PLOTLY_PATH = "/vendor/plotly.min.js"


def plotly_file() -> Path:
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def chart_names() -> dict[str, str]:
    return {
        "cases.confirmed.local": pick("本土确诊", "Local confirmed"),
        "cases.confirmed.imported": pick("输入确诊", "Imported confirmed"),
        "cases.asymptomatic.local": pick("本土无症状", "Local asymptomatic"),
        "cases.asymptomatic.imported": pick("输入无症状", "Imported asymptomatic"),
        "ci": pick("95%可信区间", "95% credible interval"),
        "scans": pick("扫码量", "Scans"),
    }


@router.get(PLOTLY_PATH, include_in_schema=False)
def plotly_js() -> Response:
    return FileResponse(
        plotly_file(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/analytics", include_in_schema=False)
def dashboard_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    view = dashboard(ctx)
    return _render(request, view, ctx)


def _render(request: Request, view: Dashboard, ctx: Ctx) -> Response:
    return render(
        request,
        "analytics/dashboard.html",
        view=view,
        charts=charts.all_charts(view, chart_names()),
        rules=rules,
        plotly_path=PLOTLY_PATH,
        can_refresh=ctx.actor.can(REFRESH),
        pct=_pct,
        zone_label=zone_label,
        tiles=tilemap.tiles(view.districts, rules.WINDOW),
        tile_box=tilemap.size(),
        tile=tilemap.TILE,
    )


_LABELS: dict[str, tuple[str, str]] = {**RISK_LEVELS}
for _levels in ZONE_LEVELS.values():
    _LABELS.update(_levels)


def zone_label(level: str) -> str:
    return pick(*_LABELS.get(level, (level, level)))


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


@router.post("/analytics/refresh", include_in_schema=False, dependencies=[Depends(check_csrf)])
def refresh_page(ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(REFRESH)
    rows = refresh.refresh(ctx, full=True)
    audit.record(ctx, "analytics.refresh", "analytics", 1, ctx.actor.scope_path or "/", rows=rows)
    return RedirectResponse("/analytics", status_code=303)


def _line(line: Line) -> dict[str, Any]:
    rt = line.rt
    return {
        "jurisdiction_id": line.place.id,
        "name": line.place.name,
        "path": line.place.path,
        "daily": line.daily,
        "now": line.now,
        "rt": None
        if rt is None
        else {"mean": rt.mean, "low": rt.low, "high": rt.high, "low_cases": rt.low_cases},
        "population": line.population,
        "boosted": line.boosted,
        "directives_open": line.directives_open,
        "directives_late": line.directives_late,
    }


@router.get("/api/analytics/dashboard")
def dashboard_api(ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    view = dashboard(ctx)
    return {
        "jurisdiction_id": view.home.id,
        "days": [d.isoformat() for d in view.days],
        "refreshed_at": view.refreshed_at.isoformat() if view.refreshed_at else None,
        "si": {"mean": rules.SI_MEAN, "sd": rules.SI_SD, "window": rules.WINDOW},
        "total": _line(view.total),
        "districts": [_line(line) for line in view.districts],
        "rounds": [r.__dict__ for r in view.rounds],
        "risk_areas": view.risk_areas,
        "panels": [panels.as_dict(p) for p in view.panels],
    }


__all__ = ["READ", "router"]
