"""Hotline pages: the ticket list in scope (by class, keyset pages, CSV/Excel export), the new-ticket
form with the keyword suggestion, one ticket with its routing and reclassification, and the office's
theme table read from the pre-aggregated counts (CSV/Excel export)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import check_csrf, export_download, render, staff_ctx
from lianfang.information import rules
from lianfang.information.tickets import exports
from lianfang.information.tickets import service as tickets
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree

router = APIRouter(include_in_schema=False)
PAGE = 50


def _choices(ctx: Ctx) -> list[Jurisdiction]:
    """The jurisdictions a ticket can be routed to: the actor's own and its districts and streets."""
    if ctx.actor.scope_path is None:
        return []
    query = select(Jurisdiction).where(
        in_subtree(Jurisdiction.path, ctx.actor.scope_path),
        Jurisdiction.level.in_(("city", "district", "street")),
        Jurisdiction.active.is_(True),
    )
    return list(ctx.session.scalars(query.order_by(Jurisdiction.path).limit(500)))


@router.get("/information/tickets")
def ticket_list(
    request: Request, ticket_class: str = "", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    chosen = ticket_class if ticket_class in rules.CLASSES else None
    found = tickets.page(ctx, chosen, after, PAGE)
    rows = found[:PAGE]
    next_url = None
    if len(found) > PAGE and rows:
        next_url = "/information/tickets?" + urlencode(
            {"ticket_class": chosen or "", "after": rows[-1][0].id}
        )
    return render(
        request,
        "information/tickets.html",
        rows=rows,
        next_url=next_url,
        chosen=chosen or "",
        classes=rules.CLASSES,
        themes=rules.THEMES,
        channels=rules.CHANNELS,
        can_log=ctx.actor.can(tickets.HOTLINE),
    )


@router.get("/information/tickets/export")
def ticket_export(fmt: str = "csv", ticket_class: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return exports.export_tickets(ctx, fmt, ticket_class or None)


def _form(
    request: Request, ctx: Ctx, values: dict[str, str], problems: list[Problem], status: int = 200
) -> Response:
    return render(
        request,
        "information/ticket_form.html",
        status_code=status,
        values=values,
        problems=problems,
        choices=_choices(ctx),
        classes=rules.CLASSES,
        themes=rules.THEMES,
        channels=rules.CHANNELS,
    )


@router.get("/information/tickets/new")
def new_ticket(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(tickets.HOTLINE)
    return _form(request, ctx, {"channel": "hotline"}, [])


@router.post("/information/tickets", dependencies=[Depends(check_csrf)])
def log_ticket(
    request: Request,
    channel: str = Form("hotline"),
    text: str = Form(""),
    jurisdiction_id: str = Form(""),
    caller_name: str = Form(""),
    caller_phone: str = Form(""),
    ticket_class: str = Form(""),
    theme: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    values = {
        "channel": channel,
        "text": text,
        "jurisdiction_id": jurisdiction_id,
        "caller_name": caller_name,
    }
    values |= {"caller_phone": caller_phone, "ticket_class": ticket_class, "theme": theme}
    owner = int(jurisdiction_id) if jurisdiction_id.strip().isdigit() else None
    data = tickets.TicketInput(
        channel, text, owner, caller_name, caller_phone, ticket_class or None, theme or None
    )
    try:
        ticket = tickets.log_ticket(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _form(request, ctx, values, list(exc.problems), 422)
    return RedirectResponse(f"/information/tickets/{ticket.id}", status_code=303)


@router.get("/information/tickets/{ticket_id}")
def ticket_detail(request: Request, ticket_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ticket = tickets.access_ticket(ctx, ticket_id)
    item = ctx.session.get(Assignment, ticket.assignment_id) if ticket.assignment_id else None
    owner = ctx.session.get(Jurisdiction, ticket.jurisdiction_id)
    return render(
        request,
        "information/ticket.html",
        ticket=ticket,
        item=item,
        owner=owner,
        classes=rules.CLASSES,
        themes=rules.THEMES,
        channels=rules.CHANNELS,
        can_log=ctx.actor.can(tickets.HOTLINE),
        problems=[],
    )


@router.post("/information/tickets/{ticket_id}/classify", dependencies=[Depends(check_csrf)])
def classify(
    ticket_id: int, ticket_class: str = Form(""), theme: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    tickets.classify(ctx, ticket_id, ticket_class, theme)
    return RedirectResponse(f"/information/tickets/{ticket_id}", status_code=303)


def _themes(ctx: Ctx, days: int) -> tuple[date, date, list[tickets.ThemeLine], dict[str, str]]:
    """The theme table of the last `days` local days (1-31) in scope, with its districts' names."""
    until = local_date(ctx.now)
    since = until - timedelta(days=min(max(days, 1), 31) - 1)
    lines = tickets.theme_counts(ctx, since, until)
    paths = sorted({line.district_path for line in lines})
    query = select(Jurisdiction.path, Jurisdiction.name).where(Jurisdiction.path.in_(paths))
    names = {str(p): str(n) for p, n in ctx.session.execute(query)}
    return since, until, lines, names


@router.get("/information/themes")
def themes(request: Request, days: int = 7, ctx: Ctx = Depends(staff_ctx)) -> Response:
    since, until, lines, names = _themes(ctx, days)
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.theme] = totals.get(line.theme, 0) + line.count
    return render(
        request,
        "information/themes.html",
        lines=lines,
        names=names,
        totals=sorted(totals.items(), key=lambda x: (-x[1], x[0])),
        since=since,
        until=until,
        days=(until - since).days + 1,
        classes=rules.CLASSES,
        themes=rules.THEMES,
    )


THEME_COLUMNS = (
    "day",
    "district_path",
    "district",
    "ticket_class",
    "class",
    "theme",
    "theme_name",
    "tickets",
)


@router.get("/information/themes/export")
def themes_export(format: str = "csv", days: int = 7, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The theme table as the page shows it (the same days, the actor's scope): counts, no personal data."""
    since, until, lines, names = _themes(ctx, days)

    def rows() -> Iterator[list[object]]:
        for line in lines:
            cls = rules.CLASSES.get(line.ticket_class, (line.ticket_class,))[0]
            theme = rules.THEMES.get(line.theme, (line.theme,))[0]
            where = [line.district_path, names.get(line.district_path, line.district_path)]
            yield [line.day.isoformat(), *where, line.ticket_class, cls, line.theme, theme, line.count]

    return export_download(
        ctx,
        format,
        f"ticket-themes-{since.isoformat()}-{until.isoformat()}",
        THEME_COLUMNS,
        rows(),
        "information.themes.export",
        "information_theme_count",
        since=since.isoformat(),
        until=until.isoformat(),
    )
