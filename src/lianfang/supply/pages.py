"""Pages for supply: the overview of one day (per good, alerts; CSV/Excel export) and the outlet's
report form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, export_download, keyset_batches, render, staff_ctx
from lianfang.supply import rules, service
from lianfang.supply import views as overview

router = APIRouter(include_in_schema=False)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _number(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


@router.get("/supply")
def overview_page(request: Request, day: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    view = overview.overview(ctx, _day(day))
    return render(
        request,
        "supply/overview.html",
        view=view,
        goods=rules.GOODS,
        kinds=rules.ALERT_KINDS,
        rule=rules.CURRENT,
    )


GOOD_COLUMNS = (
    "good",
    "name",
    "unit",
    "outlets",
    "stock",
    "sold",
    "days_of_cover",
    "mean_price_yuan",
    "low_price_yuan",
    "high_price_yuan",
)
ALERT_COLUMNS = ("id", "day", "venue_id", "outlet", "good", "name", "kind", "value", "assignment_id")


def _yuan(cents: float | None) -> object:
    return round(cents / 100, 2) if cents is not None else ""


def _good_lines(view: overview.Overview) -> Iterator[list[object]]:
    for g in view.goods:
        meta = rules.GOODS.get(g.code, (g.code, g.code, "", ""))
        cover = round(g.cover, 1) if g.cover is not None else ""
        prices = [_yuan(g.mean_price), _yuan(g.low_price), _yuan(g.high_price)]
        yield [g.code, meta[0], meta[2], g.outlets, g.stock, g.sold, cover, *prices]


def _alert_lines(ctx: Ctx, day: date) -> Iterator[list[object]]:
    for batch in keyset_batches(lambda after, n: overview.alerts_page(ctx, day, after, n), lambda a: a.id):
        venues = overview.venues_of(ctx, batch)
        for a in batch:
            v = venues.get(a.venue_id)
            name = rules.GOODS.get(a.good, (a.good,))[0]
            outlet = v.name if v is not None else ""
            what = [a.good, name, a.kind, round(a.value, 3)]
            yield [a.id, a.day.isoformat(), a.venue_id, outlet, *what, a.assignment_id or ""]


@router.get("/supply/export")
def overview_export(
    format: str = "csv", day: str = "", table: str = "goods", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """The overview of a day in the actor's scope, as the page shows it: the goods table or, with
    `table=alerts`, every alert of the day (the page shows the first hundred)."""
    view = overview.overview(ctx, _day(day), limit=0)
    columns: tuple[str, ...]
    lines: Iterator[list[object]]
    if table == "alerts":
        columns, lines, table = ALERT_COLUMNS, _alert_lines(ctx, view.day), "alerts"
    else:
        columns, lines, table = GOOD_COLUMNS, _good_lines(view), "goods"
    return export_download(
        ctx,
        format,
        f"supply-{table}-{view.day.isoformat()}",
        columns,
        lines,
        f"supply.{table}.export",
        "supply_report" if table == "goods" else "supply_alert",
        day=view.day.isoformat(),
        table=table,
    )


def _form(
    request: Request,
    ctx: Ctx,
    venue_id: int | None,
    day: date | None,
    problems: list[Problem],
    values: dict[str, dict[str, str]] | None = None,
    done: str = "",
    status: int = 200,
) -> Response:
    choices = service.outlets(ctx)
    venue = service.access_outlet(ctx, venue_id) if venue_id is not None else None
    if values is None and venue is not None and day is not None:
        values = {
            r.good: {"stock": f"{r.stock:g}", "sold": f"{r.sold:g}", "price": f"{r.price_cents / 100:.2f}"}
            for r in service.reports_of(ctx, venue, day)
        }
    return render(
        request,
        "supply/report.html",
        status_code=status,
        choices=choices,
        venue=venue,
        day=day,
        goods=rules.GOODS,
        values=values or {},
        problems=problems,
        done=done,
        rule=rules.CURRENT,
    )


@router.get("/supply/report")
def report_page(
    request: Request,
    venue_id: int | None = None,
    day: str = "",
    done: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return _form(request, ctx, venue_id, _day(day), [], done=done)


@router.post("/supply/report", dependencies=[Depends(check_csrf)])
async def report_post(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    form = await request.form()
    venue_id = int(str(form.get("venue_id", "0")) or 0) if str(form.get("venue_id", "")).isdigit() else 0
    day = _day(str(form.get("day", "")))
    values: dict[str, dict[str, str]] = {}
    items: list[service.Item] = []
    problems: list[Problem] = []
    for n, code in enumerate(rules.GOODS, start=1):
        raw = {k: str(form.get(f"{code}.{k}", "")).strip() for k in ("stock", "sold", "price")}
        values[code] = raw
        if not any(raw.values()):
            continue
        numbers = {k: _number(v) for k, v in raw.items()}
        if any(v is None for v in numbers.values()):
            problems.append(
                Problem(code, "请填写库存、销量和价格的数字", "enter numbers for stock, sales and price", n)
            )
            continue
        stock, sold, price = (float(numbers[k] or 0) for k in ("stock", "sold", "price"))
        items.append(service.Item(code, stock, sold, round(price * 100)))
    if day is None:
        problems.append(Problem("day", "请选择日期", "choose a day"))
    try:
        if problems:
            raise DomainError(problems[0].zh, problems[0].en, 422, problems)
        assert day is not None
        outcome = service.report(ctx, venue_id, day, items)
    except DomainError as exc:
        if exc.status not in (404, 422):
            raise
        ctx.session.rollback()
        found = list(exc.problems) or [Problem("", exc.zh, exc.en)]
        target = venue_id or None if exc.status != 404 else None
        return _form(request, ctx, target, day, found, values, status=exc.status)
    done = f"{outcome.created}:{outcome.corrected}:{outcome.unchanged}:{len(outcome.alerts)}"
    query = urlencode({"venue_id": venue_id, "day": day.isoformat(), "done": done})
    return RedirectResponse(f"/supply/report?{query}", status_code=303)
