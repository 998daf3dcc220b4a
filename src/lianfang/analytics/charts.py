"""Plotly figure specifications for the dashboard, as plain JSON-ready dicts (plotly.js draws them; the
Python plotly package is only the source of plotly.min.js). Every trace carries the list each bar or
point stands for in `customdata`, so a click opens it."""

from __future__ import annotations

import json
from typing import Any

from lianfang.analytics import rules
from lianfang.analytics.dashboard import Dashboard

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
