"""Plotly figure specifications for the dashboard, as plain JSON-ready dicts (plotly.js draws them; the
Python plotly package is only the source of plotly.min.js). Every trace carries the list each bar or
point stands for in `customdata`, so a click opens it.

A schematic map of Beijing's 16 districts for the wall screen: one tile per district at its rough place
(north up), shaded by the new infections of the last 7 days. No map tiles or geometry are fetched or
shipped; a district whose code is not on the grid is still in the table below the map."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lianfang.analytics import rules
from lianfang.analytics.views import Dashboard, Line

Names = dict[str, str]


_LAYOUT: dict[str, Any] = {
    "margin": {"l": 48, "r": 16, "t": 8, "b": 40},
    "height": 260,
    "legend": {"orientation": "h", "y": -0.2},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


COLOURS = {
    "cases.confirmed.local": "#c0392b",
    "cases.confirmed.imported": "#e67e22",
    "cases.asymptomatic.local": "#8e44ad",
    "cases.asymptomatic.imported": "#2980b9",
}


def _layout(**extra: Any) -> dict[str, Any]:
    return {**_LAYOUT, **extra}


def cases_by_day(view: Dashboard, names: Names) -> dict[str, Any]:
    days = [d.isoformat() for d in view.days[-view.shown :]]
    traces = [
        {
            "type": "bar",
            "name": names[metric],
            "x": days,
            "y": view.total.series(metric)[-view.shown :],
            "marker": {"color": COLOURS[metric]},
            "customdata": ["/tracing"] * len(days),
        }
        for metric in rules.CASE_METRICS
    ]
    return {"data": traces, "layout": _layout(barmode="stack")}


def cases_by_district(view: Dashboard, names: Names) -> dict[str, Any]:
    lines = view.districts or [view.total]
    labels = [line.place.name for line in lines]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": names[metric],
            "y": labels,
            "x": [line.total(metric, rules.WINDOW) for line in lines],
            "marker": {"color": COLOURS[metric]},
            "customdata": ["/tracing"] * len(lines),
        }
        for metric in rules.CASE_METRICS
    ]
    layout = _layout(barmode="stack", height=max(200, 28 * len(lines) + 80))
    layout["yaxis"] = {"autorange": "reversed"}
    return {"data": traces, "layout": layout}


def rt_trend(view: Dashboard, names: Names) -> dict[str, Any]:
    rt = view.total.rt
    trend = rt.trend if rt else ()
    x = [t[0].isoformat() for t in trend]
    band = {
        "type": "scatter",
        "x": x + x[::-1],
        "y": [t[3] for t in trend] + [t[2] for t in trend][::-1],
        "fill": "toself",
        "fillcolor": "rgba(192,57,43,0.15)",
        "line": {"width": 0},
        "name": names["ci"],
        "hoverinfo": "skip",
    }
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": x,
        "y": [round(t[1], 3) for t in trend],
        "name": "Rt",
        "line": {"color": "#c0392b"},
        "customdata": ["/tracing"] * len(x),
    }
    one = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 1, "y1": 1, "line": {"dash": "dot"}}
    return {"data": [band, line], "layout": _layout(shapes=[one])}


def scans_by_day(view: Dashboard, names: Names) -> dict[str, Any]:
    days = [d.isoformat() for d in view.days[-view.shown :]]
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": names["scans"],
        "x": days,
        "y": view.total.series("scans")[-view.shown :],
        "customdata": ["/checkins"] * len(days),
    }
    return {"data": [trace], "layout": _layout()}


def all_charts(view: Dashboard, names: Names) -> dict[str, str]:
    figures = {
        "cases-by-day": cases_by_day(view, names),
        "cases-by-district": cases_by_district(view, names),
        "rt-trend": rt_trend(view, names),
        "scans-by-day": scans_by_day(view, names),
    }
    return {key: json.dumps(fig, ensure_ascii=False, separators=(",", ":")) for key, fig in figures.items()}


# GB/T 2260 county code → (column, row) on a 6 × 4 grid.
GRID: dict[str, tuple[int, int]] = {
    "110119": (1, 0),  # 延庆
    "110116": (3, 0),  # 怀柔
    "110118": (4, 0),  # 密云
    "110114": (2, 1),  # 昌平
    "110113": (4, 1),  # 顺义
    "110117": (5, 1),  # 平谷
    "110109": (0, 2),  # 门头沟
    "110108": (1, 2),  # 海淀
    "110102": (2, 2),  # 西城
    "110101": (3, 2),  # 东城
    "110105": (4, 2),  # 朝阳
    "110112": (5, 2),  # 通州
    "110111": (0, 3),  # 房山
    "110107": (1, 3),  # 石景山
    "110106": (2, 3),  # 丰台
    "110115": (3, 3),  # 大兴
}


TILE, GAP = 92, 6


@dataclass(frozen=True)
class Tile:
    place_id: int
    name: str
    count: int
    x: int
    y: int
    shade: float  # 0 (none) .. 1 (the most in the city)


def tiles(districts: Sequence[Line], last: int) -> list[Tile]:
    placed = [(d, GRID[d.place.code]) for d in districts if d.place.code in GRID]
    counts = {d.place.id: d.cases(last) for d, _cell in placed}
    top = max(counts.values(), default=0)
    return [
        Tile(
            d.place.id,
            d.place.name,
            counts[d.place.id],
            col * (TILE + GAP),
            row * (TILE + GAP),
            counts[d.place.id] / top if top else 0.0,
        )
        for d, (col, row) in placed
    ]


def size() -> tuple[int, int]:
    cols = max(c for c, _r in GRID.values()) + 1
    rows = max(r for _c, r in GRID.values()) + 1
    return cols * (TILE + GAP), rows * (TILE + GAP)
