"""JSON API of hotline tickets: suggest a class, log, list, export, classify, and the theme counts."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.information import rules
from lianfang.information.schemas import (
    ClassifyIn,
    SuggestIn,
    SuggestOut,
    ThemeOut,
    TicketIn,
    TicketOut,
    TicketPage,
)
from lianfang.information.tickets import exports
from lianfang.information.tickets import service as tickets

router = APIRouter(prefix="/api/information", tags=["information"])


@router.post("/tickets/suggest", response_model=SuggestOut)
def suggest(data: SuggestIn, ctx: Ctx = Depends(staff_ctx)) -> SuggestOut:
    ctx.actor.require(tickets.HOTLINE)
    theme = rules.suggest_theme(data.text)
    return SuggestOut(
        ticket_class=rules.suggest_class(data.text),
        theme=theme,
        healthcode_popup=rules.is_popup(data.text, theme),
    )


@router.post("/tickets", response_model=TicketOut, status_code=201)
def log_ticket(data: TicketIn, ctx: Ctx = Depends(staff_ctx)) -> TicketOut:
    return TicketOut.model_validate(tickets.log_ticket(ctx, tickets.TicketInput(**data.model_dump())))


@router.get("/tickets", response_model=TicketPage)
def list_tickets(
    ticket_class: str | None = None, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> TicketPage:
    found = tickets.page(ctx, ticket_class or None, after, 50)
    items = [t for t, _a in found[:50]]
    return TicketPage(
        items=[TicketOut.model_validate(t) for t in items],
        next_after=items[-1].id if len(found) > 50 else None,
    )


@router.get("/tickets/export")
def tickets_export(
    fmt: str = "csv", ticket_class: str | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return exports.export_tickets(ctx, fmt, ticket_class or None)


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: int, ctx: Ctx = Depends(staff_ctx)) -> TicketOut:
    return TicketOut.model_validate(tickets.access_ticket(ctx, ticket_id))


@router.post("/tickets/{ticket_id}/classify", response_model=TicketOut)
def classify(ticket_id: int, data: ClassifyIn, ctx: Ctx = Depends(staff_ctx)) -> TicketOut:
    return TicketOut.model_validate(tickets.classify(ctx, ticket_id, data.ticket_class, data.theme))


@router.get("/themes", response_model=list[ThemeOut])
def themes(
    since: date | None = None, until: date | None = None, ctx: Ctx = Depends(staff_ctx)
) -> list[ThemeOut]:
    last = until or local_date(ctx.now)
    first = since or last - timedelta(days=6)
    return [ThemeOut(**vars(line)) for line in tickets.theme_counts(ctx, first, last)]
