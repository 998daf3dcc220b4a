"""Scan pages: the resident's side (the page a venue's QR code opens, signing in on the spot, manual
entry, their own scans) and a venue's scans of a day for staff (with a CSV/Excel export)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from lianfang.accounts import service as accounts_service
from lianfang.accounts.access import COOKIE
from lianfang.checkins.access import own_persons
from lianfang.checkins.models import VenueCode
from lianfang.checkins.rules import PersonInfo, code_state_problem, scan_date
from lianfang.checkins.scans import repository
from lianfang.checkins.scans.hot import status_for
from lianfang.checkins.scans.service import prepare_visit
from lianfang.checkins.scans.views import ScanState, state_for
from lianfang.checkins.scans.writer import ScanRow
from lianfang.core import hot
from lianfang.core.access import Actor
from lianfang.core.clock import SHANGHAI, local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import transaction
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import (
    check_csrf,
    export_download,
    get_ctx,
    keyset_batches,
    render,
    resident_ctx,
    runtime_of,
    staff_ctx,
)
from lianfang.people.rules import mask_name
from lianfang.venues.access import access_venue
from lianfang.venues.models import Venue

router = APIRouter(include_in_schema=False)


def _scan_day(ctx: Ctx, day: str) -> tuple[date, datetime, datetime]:
    """The page's chosen local day (default today; a malformed one is today) and its [start, end)."""
    try:
        chosen = datetime.fromisoformat(day).date() if day else local_date(ctx.now)
    except ValueError:
        chosen = local_date(ctx.now)
    start = datetime.combine(chosen, datetime.min.time(), tzinfo=SHANGHAI)
    return chosen, start, start + timedelta(days=1)


@router.get("/venues/{venue_id}/scans")
def scans_page(
    request: Request, venue_id: int, day: str = "", cursor: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """A venue's scans of one local day (default today), newest first, by keyset."""
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    chosen, start, end = _scan_day(ctx, day)
    size = ctx.settings.page_size
    scans = repository.venue_page(
        ctx.session, venue.id, start, end, repository.decode_cursor(cursor), size + 1
    )
    persons = repository.persons_by_ids(ctx.session, (s.person_id for s in scans[:size]))
    names = {pid: mask_name(p.name) for pid, p in persons.items()}
    next_url = None
    if len(scans) > size:
        params = {"day": chosen.isoformat(), "cursor": repository.encode_cursor(scans[size - 1])}
        next_url = f"/venues/{venue.id}/scans?{urlencode(params)}"
    return render(
        request,
        "checkins/scans.html",
        venue=venue,
        rows=scans[:size],
        names=names,
        day=chosen,
        today=scan_date(ctx.now),
        next_url=next_url,
    )


SCAN_COLUMNS = ("scan_id", "scanned_at", "visitor", "stay_until", "checked_out", "source")


@router.get("/venues/{venue_id}/scans/export")
def scans_export(
    venue_id: int, format: str = "csv", day: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """The venue's scans of the page's day, newest first, visitors' names masked as the page shows them."""
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    chosen, start, end = _scan_day(ctx, day)
    batches = keyset_batches(
        lambda after, n: repository.venue_page(ctx.session, venue.id, start, end, after, n),
        lambda s: (s.scanned_at, s.id),
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            persons = repository.persons_by_ids(ctx.session, (s.person_id for s in batch))
            for s in batch:
                p = persons.get(s.person_id) if s.person_id is not None else None
                when = [s.scanned_at.astimezone(SHANGHAI).isoformat(), mask_name(p.name) if p else ""]
                until = s.stay_until.astimezone(SHANGHAI).isoformat()
                yield [s.id, *when, until, "yes" if s.checked_out else "", s.source]

    return export_download(
        ctx,
        format,
        f"venue-{venue.id}-scans-{chosen.isoformat()}",
        SCAN_COLUMNS,
        lines(),
        "checkins.scans.export",
        "venue",
        venue.id,
        venue.jurisdiction_path,
        day=chosen.isoformat(),
    )


def _code(ctx: Ctx, token: str) -> tuple[VenueCode, Venue]:
    found = ctx.session.execute(
        select(VenueCode, Venue).join(Venue, Venue.id == VenueCode.venue_id).where(VenueCode.token == token)
    ).first()
    if found is None:
        raise DomainError("场所码无效（不存在或已被替换）", "this venue code is not valid", 404)
    return found[0], found[1]


def _scan_page(
    request: Request,
    ctx: Ctx,
    token: str,
    sent: bool = False,
    phone: str = "",
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    code, venue = _code(ctx, token)
    state_problem = code_state_problem(code.status, code.suspended_at, code.expires_at, ctx.now, None)
    persons = own_persons(ctx.session, ctx.actor)
    return render(
        request,
        "checkins/scan.html",
        status_code=status,
        token=token,
        venue=venue,
        code=code,
        unavailable=state_problem,
        persons=[(p.id, mask_name(p.name), p.id_masked) for p in persons],
        key="page-" + secrets.token_urlsafe(16),
        sent=sent,
        phone=phone,
        problems=problems or [],
    )


@router.get("/s/{token}")
def scan_page(request: Request, token: str, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    """Anonymous: sign in here first. Resident: choose who is visiting and register. Staff: told to use
    a resident's phone (staff accounts are not visitors)."""
    return _scan_page(request, ctx, token)


@router.post("/s/{token}/signin")
def scan_signin(
    request: Request,
    token: str,
    phone: str = Form(""),
    code: str = Form(""),
    ctx: Ctx = Depends(get_ctx, scope="function"),
) -> Response:
    """Resident sign-in without leaving the scan: a one-time code by SMS, then back to the venue."""
    _code(ctx, token)
    if not code:
        try:
            accounts_service.request_resident_code(ctx, phone)
        except DomainError as exc:
            problems = exc.problems or [Problem("phone", exc.zh, exc.en)]
            return _scan_page(request, ctx, token, False, phone, problems, exc.status)
        return _scan_page(request, ctx, token, True, phone)
    result = accounts_service.verify_resident_code(ctx, phone, code)
    if result.token is None:
        assert result.problem is not None
        return _scan_page(request, ctx, token, True, phone, [result.problem], result.status)
    response = RedirectResponse(f"/s/{token}", status_code=303)
    response.set_cookie(
        COOKIE,
        result.token,
        httponly=True,
        samesite="lax",
        max_age=ctx.settings.session_hours * 3600,
        secure=ctx.settings.environment == "production",
    )
    return response


def _prepare(
    state: ScanState, actor: Actor, token: str, person_id: int, key: str
) -> tuple[ScanRow, str, PersonInfo]:
    with transaction(state.runtime.factory) as session:
        row, code, person = prepare_visit(session, actor, state, token, person_id, key, utcnow())
        return row, code.venue_name, person


@router.post("/s/{token}", dependencies=[Depends(check_csrf)])
async def scan_submit(
    request: Request, token: str, person_id: int = Form(0), key: str = Form("")
) -> Response:
    state = state_for(runtime_of(request))
    actor = await hot.cached_actor(request, state.runtime, state.actors, state.flights)
    request.state.actor = actor  # for `render`
    if actor.kind != "resident":
        return RedirectResponse(f"/s/{token}", status_code=303)
    try:
        row, venue_name, person = await run_in_threadpool(_prepare, state, actor, token, person_id, key)
    except DomainError as exc:
        if exc.status == 404:
            raise
        problems = list(exc.problems) or [Problem("", exc.zh, exc.en)]
        return render(
            request, "checkins/scanned.html", status_code=exc.status, problems=problems, result=None
        )
    written = await state.writer.write(row)
    status = written.status or await status_for(state, written.person_id, row.created_at)
    return render(
        request,
        "checkins/scanned.html",
        problems=[],
        result={
            "venue_name": venue_name,
            "name_masked": person.name_masked,
            "id_masked": person.id_masked,
            "scanned_at": written.scanned_at,
            "duplicate": written.duplicate,
            "status": status,
            "token": token,
        },
    )


@router.get("/s")
def manual_page(request: Request, _ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    """Manual entry of the venue code printed under the QR."""
    return render(request, "checkins/manual.html", code="", problems=[])


@router.post("/s")
def manual_submit(
    request: Request, code: str = Form(""), ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    value = code.strip().upper()
    venue = ctx.session.scalar(select(Venue).where(Venue.code == value)) if value else None
    active = (
        ctx.session.scalar(
            select(VenueCode.token)
            .where(VenueCode.venue_id == venue.id, VenueCode.status == "active")
            .order_by(VenueCode.id)
            .limit(1)
        )
        if venue is not None
        else None
    )
    if active is None:
        problem = Problem(
            "code", "找不到该场所编码，或该场所暂停登记", "no venue with this code accepts check-ins now"
        )
        return render(request, "checkins/manual.html", status_code=422, code=code, problems=[problem])
    return RedirectResponse(f"/s/{active}", status_code=303)


@router.get("/me/scans")
def my_scans_page(request: Request, cursor: str = "", ctx: Ctx = Depends(resident_ctx)) -> Response:
    """A resident's own scans over the retention period, newest first."""
    persons = own_persons(ctx.session, ctx.actor)
    days = ctx.settings.scan_retention_days
    size = ctx.settings.page_size
    scans = repository.persons_page(
        ctx.session,
        [p.id for p in persons],
        ctx.now - timedelta(days=days),
        repository.decode_cursor(cursor),
        size + 1,
    )
    venues = repository.venues_by_ids(ctx.session, (s.venue_id for s in scans[:size]))
    names = {p.id: mask_name(p.name) for p in persons}
    next_url = f"/me/scans?cursor={repository.encode_cursor(scans[size - 1])}" if len(scans) > size else None
    return render(
        request,
        "checkins/my_scans.html",
        rows=scans[:size],
        venues=venues,
        names=names,
        days=days,
        next_url=next_url,
    )
