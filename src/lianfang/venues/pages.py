"""Pages for venues: search with bulk close / reopen, register, view and edit, status, operator, import."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.accounts import repository as accounts_repository
from lianfang.accounts.models import User
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, read_upload, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.venues import imports, repository, service
from lianfang.venues.access import IMPORT, WRITE, access_venue, venues_rows
from lianfang.venues.rules import KINDS, OPERATOR_TRANSITIONS, STATUSES, TRANSITIONS, rules_for

router = APIRouter(include_in_schema=False)


def _communities(ctx: Ctx) -> list[Jurisdiction]:
    if ctx.actor.scope_path is None or not ctx.actor.can("registry.read"):
        return []
    return jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "community", 2000)


def _problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


def _list(
    request: Request,
    ctx: Ctx,
    f: Mapping[str, object],
    after: int | None,
    problems: list[Problem] | None = None,
    status: int = 200,
    bulk: tuple[int, int] | None = None,
) -> Response:
    size = ctx.settings.page_size
    community_id = f.get("community_id")
    query = repository.venue_query(
        ctx.session,
        str(f.get("q", "")),
        str(f.get("kind", "")),
        str(f.get("status", "")),
        community_id if isinstance(community_id, int) else None,
    )
    rows = venues_rows(ctx.session, ctx.actor, query, after, size + 1)
    kept = {k: v for k, v in f.items() if v not in (None, "")}
    next_url = None
    if len(rows) > size:
        next_url = "/venues?" + urlencode(kept | {"after": rows[size - 1].id})
    return render(
        request,
        "venues/list.html",
        status_code=status,
        rows=rows[:size],
        f=f,
        kinds=KINDS,
        statuses=STATUSES,
        communities=_communities(ctx),
        next_url=next_url,
        export_query="&" + urlencode(kept) if kept else "",
        problems=problems or [],
        bulk=bulk,
    )


@router.get("/venues")
def venues_page(
    request: Request,
    q: str = "",
    kind: str = "",
    status: str = "",
    community_id: int | None = None,
    after: int | None = None,
    changed: int | None = None,
    unchanged: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    f = {"q": q, "kind": kind, "status": status, "community_id": community_id}
    bulk = (changed, unchanged) if changed is not None and unchanged is not None else None
    return _list(request, ctx, f, after, bulk=bulk)


@router.post("/venues/bulk-status", dependencies=[Depends(check_csrf)])
def bulk_status(
    request: Request,
    venue_ids: list[str] = Form(default=[]),
    status: str = Form(""),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """Close or reopen the ticked venues: every one of them in the actor's scope, or none changes."""

    def done(result: service.BulkResult) -> Response:
        params = urlencode({"changed": len(result.changed), "unchanged": len(result.unchanged)})
        return RedirectResponse(f"/venues?{params}", status_code=303)

    return apply_selection(
        ctx,
        venue_ids,
        lambda chosen: service.bulk_change_status(ctx, chosen, status, reason),
        again=lambda problems: _list(request, ctx, {}, None, problems, 422),
        done=done,
        field="venue_ids",
    )


def _form_page(
    request: Request, ctx: Ctx, form: Mapping[str, object], problems: list[Problem], status: int
) -> Response:
    return render(
        request,
        "venues/new.html",
        status_code=status,
        form=form,
        problems=problems,
        kinds=KINDS,
        communities=_communities(ctx),
    )


def _int_or_none(raw: str, field: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise Invalid([Problem(field, "应为整数", "must be a whole number")]) from None


@router.get("/venues/new")
def new_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(WRITE)
    return _form_page(request, ctx, {}, [], 200)


@router.post("/venues/new", dependencies=[Depends(check_csrf)])
def new_submit(
    request: Request,
    name: str = Form(""),
    kind: str = Form(""),
    community_id: int = Form(0),
    address: str = Form(""),
    capacity: str = Form(""),
    unit_id: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form: dict[str, object] = {"name": name, "kind": kind, "community_id": community_id, "address": address}
    form |= {"capacity": capacity, "unit_id": unit_id}
    try:
        data = service.VenueInput(
            name,
            kind,
            community_id,
            "",
            address,
            _int_or_none(capacity, "capacity"),
            _int_or_none(unit_id, "unit_id"),
        )
        venue = service.create_venue(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _form_page(request, ctx, form, exc.problems, 422)
    return RedirectResponse(f"/venues/{venue.id}", status_code=303)


@router.get("/venues/import")
def import_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(IMPORT)
    return render(request, "venues/import.html", report=None, problems=[])


@router.post("/venues/import", dependencies=[Depends(check_csrf)])
def import_submit(
    request: Request, file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        report = imports.import_venues(ctx, file.filename or "upload.csv", read_upload(file), dry_run)
    except DomainError as exc:
        ctx.session.rollback()
        return render(
            request, "venues/import.html", status_code=exc.status, report=None, problems=_problems(exc)
        )
    return render(request, "venues/import.html", report=report, problems=report.problems or [])


def _view(
    request: Request, ctx: Ctx, venue_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    authority = ctx.actor.can(WRITE)
    if authority:
        next_statuses = sorted(TRANSITIONS[venue.status])
    elif venue.status_by_authority:
        next_statuses = []
    else:
        next_statuses = [b for a, b in OPERATOR_TRANSITIONS if a == venue.status]
    rules = rules_for(local_date(ctx.now))
    operator = ctx.session.get(User, venue.operator_user_id) if venue.operator_user_id else None
    return render(
        request,
        "venues/view.html",
        status_code=status,
        venue=venue,
        community=ctx.session.get(Jurisdiction, venue.community_id),
        operator=operator,
        kinds=KINDS,
        statuses=STATUSES,
        next_statuses=next_statuses,
        stay_minutes=rules.default_stay_minutes(venue.kind),
        enclosed=rules.is_enclosed(venue.kind),
        communities=_communities(ctx) if authority else [],
        can_edit=authority,
        problems=problems or [],
    )


@router.get("/venues/{venue_id}")
def view(request: Request, venue_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _view(request, ctx, venue_id)


@router.post("/venues/{venue_id}", dependencies=[Depends(check_csrf)])
def edit(
    request: Request,
    venue_id: int,
    name: str = Form(""),
    kind: str = Form(""),
    community_id: int = Form(0),
    address: str = Form(""),
    capacity: str = Form(""),
    unit_id: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        data = service.VenueInput(
            name,
            kind,
            community_id,
            "",
            address,
            _int_or_none(capacity, "capacity"),
            _int_or_none(unit_id, "unit_id"),
        )
        service.update_venue(ctx, venue_id, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _view(request, ctx, venue_id, exc.problems, 422)
    return RedirectResponse(f"/venues/{venue_id}", status_code=303)


@router.post("/venues/{venue_id}/status", dependencies=[Depends(check_csrf)])
def change_status(
    request: Request,
    venue_id: int,
    status: str = Form(""),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.change_status(ctx, venue_id, status, reason)
    except Invalid as exc:
        ctx.session.rollback()
        return _view(request, ctx, venue_id, exc.problems, 422)
    return RedirectResponse(f"/venues/{venue_id}", status_code=303)


@router.post("/venues/{venue_id}/operator", dependencies=[Depends(check_csrf)])
def assign_operator(
    request: Request, venue_id: int, username: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(WRITE)
    access_venue(ctx.session, ctx.actor, venue_id)
    user = (
        accounts_repository.user_by_username(ctx.session, username.strip().lower())
        if username.strip()
        else None
    )
    try:
        if username.strip() and user is None:
            raise Invalid([Problem("username", "找不到该账号", "no such account")])
        service.assign_operator(ctx, venue_id, user.id if user else None)
    except DomainError as exc:
        if exc.status == 403:
            raise
        ctx.session.rollback()
        problems = [Problem("username", exc.zh, exc.en)] if exc.status == 404 else _problems(exc)
        return _view(request, ctx, venue_id, problems, 422 if exc.status == 404 else exc.status)
    return RedirectResponse(f"/venues/{venue_id}", status_code=303)
