"""Pages for venue operators and registry staff: the venues hub, a venue's codes (create, relabel,
suspend, reactivate, revoke, posters) and the registrar declaration."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.checkins.access import access_code, is_operator, may_manage
from lianfang.checkins.codes import service as codes
from lianfang.checkins.scans.ports import provider_for
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.venues import repository as venues_repository
from lianfang.venues.access import access_venue, require_read, venues_filter
from lianfang.venues.models import Venue
from lianfang.venues.rules import KINDS, STATUSES

router = APIRouter(include_in_schema=False)


def base_url(request: Request, ctx: Ctx) -> str:
    """Where residents' phones reach lianfang (`public_base_url` setting; else this request's host)."""
    configured = ctx.settings.public_base_url
    return (configured or str(request.base_url)).rstrip("/")


@router.get("/checkins")
def hub(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The venues the actor reaches, with links to their codes and today's scans."""
    require_read(ctx.actor)
    size = ctx.settings.page_size
    query = venues_repository.VenueQuery()
    rows = venues_repository.search(ctx.session, venues_filter(ctx.actor), query, after, size + 1)
    next_url = f"/checkins?after={rows[size - 1].id}" if len(rows) > size else None
    return render(request, "checkins/hub.html", rows=rows[:size], statuses=STATUSES, next_url=next_url)


def _codes_page(
    request: Request, ctx: Ctx, venue: Venue, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    registrar = codes.registrar_of(ctx)
    person = ctx.session.get(Person, registrar.person_id) if registrar else None
    own_status = (
        provider_for(ctx.bus).status_for_person(ctx.session, registrar.person_id, ctx.now)
        if registrar
        else None
    )
    return render(
        request,
        "checkins/codes.html",
        status_code=status,
        venue=venue,
        codes=codes.codes_of(ctx, venue.id),
        operator=is_operator(ctx.actor, venue),
        manage=may_manage(ctx.actor, venue),
        registrar=registrar,
        registrar_name=mask_name(person.name) if person else "",
        own_status=own_status,
        base=base_url(request, ctx),
        kinds=KINDS,
        statuses=STATUSES,
        problems=problems or [],
    )


@router.get("/venues/{venue_id}/codes")
def codes_page(request: Request, venue_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _codes_page(request, ctx, access_venue(ctx.session, ctx.actor, venue_id))


def _redo(request: Request, ctx: Ctx, venue_id: int, exc: DomainError) -> Response:
    if exc.status in {403, 404}:
        raise exc
    ctx.session.rollback()
    problems = list(exc.problems) or [Problem("", exc.zh, exc.en)]
    return _codes_page(request, ctx, access_venue(ctx.session, ctx.actor, venue_id), problems, 422)


def _expiry(raw: str) -> datetime | None:
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise DomainError(
            "到期时间格式有误",
            "expires_at is not a valid time",
            422,
            [Problem("expires_at", "格式有误", "invalid")],
        ) from None


@router.post("/venues/{venue_id}/codes", dependencies=[Depends(check_csrf)])
def create_code(
    request: Request,
    venue_id: int,
    label: str = Form(""),
    expires_at: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        codes.create_code(ctx, venue_id, label, _expiry(expires_at))
    except DomainError as exc:
        return _redo(request, ctx, venue_id, exc)
    return RedirectResponse(f"/venues/{venue_id}/codes", status_code=303)


@router.post("/venues/{venue_id}/registrar", dependencies=[Depends(check_csrf)])
def declare_registrar(
    request: Request, venue_id: int, id_number: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    access_venue(ctx.session, ctx.actor, venue_id)
    try:
        codes.declare_registrar(ctx, id_number)
    except DomainError as exc:
        return _redo(request, ctx, venue_id, exc)
    return RedirectResponse(f"/venues/{venue_id}/codes", status_code=303)


def _act(ctx: Ctx, code_id: int, action: str, value: str) -> None:
    if action == "suspend":
        codes.suspend(ctx, code_id, value)
    elif action == "reactivate":
        codes.reactivate(ctx, code_id)
    elif action == "revoke":
        codes.revoke(ctx, code_id)
    elif action == "label":
        codes.relabel(ctx, code_id, value)
    else:
        raise DomainError("不支持此操作", "unknown action", 404)


@router.post("/codes/{code_id}/{action}", dependencies=[Depends(check_csrf)])
def code_action(
    request: Request, code_id: int, action: str, value: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """suspend (value: note), reactivate, revoke, label (value: the new label)."""
    _code, venue = access_code(ctx.session, ctx.actor, code_id)
    try:
        _act(ctx, code_id, action, value)
    except DomainError as exc:
        return _redo(request, ctx, venue.id, exc)
    return RedirectResponse(f"/venues/{venue.id}/codes", status_code=303)


@router.get("/codes/{code_id}/poster.{fmt}")
def poster(request: Request, code_id: int, fmt: str, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The printable poster, PDF or PNG."""
    from lianfang.checkins.codes.render import (  # reportlab, Pillow: on demand
        PosterText,
        poster_pdf,
        poster_png,
    )

    code, venue = access_code(ctx.session, ctx.actor, code_id)
    if fmt not in {"pdf", "png"}:
        raise DomainError("不支持的格式", "format: pdf or png", 404)
    base = base_url(request, ctx)
    text = PosterText(venue.name, code.label, f"{base}/s/{code.token}", venue.code, f"{base}/s")
    content, media = (
        (poster_pdf(text), "application/pdf") if fmt == "pdf" else (poster_png(text), "image/png")
    )
    filename = f"venue-{venue.code}-{code.id}.{fmt}"
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
