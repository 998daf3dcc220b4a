"""JSON API for information release and the hotline: bulletins (generate, edit, approve, publish,
correct, briefing, figures export), tickets (log, classify, list, export), theme counts, and the
public list of published bulletins (no sign-in)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.web import download, get_ctx, staff_ctx
from lianfang.information import bulletins, exports, rules, tickets
from lianfang.information.schemas import (
    BriefingOut,
    BulletinOut,
    BulletinPage,
    ClassifyIn,
    GenerateIn,
    SuggestIn,
    SuggestOut,
    TextIn,
    ThemeOut,
    TicketIn,
    TicketOut,
    TicketPage,
)

router = APIRouter(prefix="/api/information", tags=["information"])


def _out(item: object) -> BulletinOut:
    return BulletinOut.model_validate(item)


@router.get("/bulletins", response_model=BulletinPage)
def list_bulletins(before: int | None = None, limit: int = 30, ctx: Ctx = Depends(staff_ctx)) -> BulletinPage:
    found = bulletins.page(ctx, before, min(max(limit, 1), 100))
    more = len(found) > min(max(limit, 1), 100)
    items = found[: min(max(limit, 1), 100)]
    return BulletinPage(items=[_out(b) for b in items], next_before=items[-1].id if more and items else None)


@router.post("/bulletins", response_model=BulletinOut, status_code=201)
def generate(data: GenerateIn, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.generate(ctx, data.day))


@router.get("/bulletins/{bulletin_id}", response_model=BulletinOut)
def get_bulletin(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.access_bulletin(ctx, bulletin_id))


@router.patch("/bulletins/{bulletin_id}", response_model=BulletinOut)
def edit(bulletin_id: int, data: TextIn, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.edit(ctx, bulletin_id, bulletins.TextInput(**data.model_dump())))


@router.post("/bulletins/{bulletin_id}/regenerate", response_model=BulletinOut)
def regenerate(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.regenerate(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/approve", response_model=BulletinOut)
def approve(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.approve(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/publish", response_model=BulletinOut)
def publish(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.publish(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/revise", response_model=BulletinOut, status_code=201)
def revise(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.revise(ctx, bulletin_id))


@router.get("/bulletins/{bulletin_id}/briefing", response_model=BriefingOut)
def briefing(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BriefingOut:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    themes = tickets.day_themes(ctx, item.day, item.jurisdiction_path)
    return BriefingOut(bulletin_id=item.id, points=rules.briefing(item.figures, themes))


@router.get("/bulletins/{bulletin_id}/figures")
def figures_export(bulletin_id: int, fmt: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    body, name = exports.export_figures(ctx, bulletin_id, fmt)
    return download(body, fmt, name)


@router.get("/public/bulletins", response_model=BulletinPage)
def public_bulletins(
    before: int | None = None, ctx: Ctx = Depends(get_ctx, scope="function")
) -> BulletinPage:
    found = bulletins.public_page(ctx, before, 20)
    items = found[:20]
    return BulletinPage(items=[_out(b) for b in items], next_before=items[-1].id if len(found) > 20 else None)


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
