"""Pages of zones, with the lifting rule checked live and the testing round for zones."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.control import repository, rules
from lianfang.control import service as orders
from lianfang.control.access import READ, access_zone
from lianfang.control.models import ControlZone, ControlZonePlace
from lianfang.control.pages import form_problems
from lianfang.control.zones import service as zones
from lianfang.control.zones import views as zone_rounds
from lianfang.control.zones.service import order_round_for_zones
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import subtree_filter
from lianfang.testing import rules as testing_rules
from lianfang.testing.access import ORDER as TESTING_ORDER
from lianfang.testing.access import READ as TESTING_READ

router = APIRouter(include_in_schema=False)


def _zones(
    request: Request,
    ctx: Ctx,
    status: str,
    after: int | None,
    problems: list[Problem] | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    ctx.actor.require(READ)
    rows = repository.zones(
        ctx.session, subtree_filter(ctx.actor, ControlZone.jurisdiction_path), status, after, 50
    )
    communities = (
        jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "community", 2000)
        if ctx.actor.scope_path
        else []
    )
    scheme = rules.zone_scheme(rules.edition_on(orders.today(ctx)))
    next_url = f"/control/zones?status={status}&after={rows[49].id}" if len(rows) > 50 else None
    can_round = status == "active" and ctx.actor.can(TESTING_ORDER) and bool(ctx.actor.scope_path)
    areas = (
        [
            j
            for j in jurisdictions_repository.search(ctx.session, ctx.actor.scope_path or "", "", None, 500)
            if j.level != "community"
        ]
        if can_round
        else []
    )
    return render(
        request,
        "control/zones.html",
        status_code=422 if problems else 200,
        can_round=can_round,
        areas=areas,
        modes=testing_rules.MODES,
        form=form or {},
        rows=rows[:50],
        status=status,
        levels=rules.ZONE_LEVELS,
        current_levels=rules.ZONE_LEVELS[scheme],
        sources=rules.ZONE_SOURCES,
        communities=communities,
        next_url=next_url,
        problems=problems or [],
    )


@router.get("/control/zones")
def zones_page(
    request: Request, status: str = "active", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _zones(request, ctx, status, after)


@router.post("/control/zones", dependencies=[Depends(check_csrf)])
def create_zone_page(
    request: Request,
    name: str = Form(""),
    level: str = Form(""),
    community_id: int = Form(...),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        zone = zones.create_zone(ctx, zones.ZoneInput(name, level, "community", community_id))
    except DomainError as exc:
        ctx.session.rollback()
        return _zones(request, ctx, "active", None, form_problems(exc))
    return RedirectResponse(f"/control/zones/{zone.id}", status_code=303)


@router.post("/control/zones/testing-round", dependencies=[Depends(check_csrf)])
def order_round_page(
    request: Request,
    ids: list[str] = Form([]),
    name: str = Form(""),
    area_jurisdiction_id: int = Form(0),
    default_mode: str = Form("pool20"),
    sealed_mode: str = Form("single"),
    deadline: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """Order a testing round over an area for the ticked zones (their levels set the pooling modes)."""
    form: dict[str, object] = {"name": name, "area": area_jurisdiction_id, "deadline": deadline}
    form |= {"default_mode": default_mode, "sealed_mode": sealed_mode, "ids": ids}
    due = _local(deadline)
    if deadline.strip() and due is None:
        problem = Problem("deadline", "截止时间格式无效", "the deadline is not a valid date and time")
        return _zones(request, ctx, "active", None, [problem], form)

    def apply(zone_ids: list[int]) -> int:
        if not zone_ids:
            raise Invalid([Problem("ids", "请勾选区域", "tick the zones to test")])
        sealed = sealed_mode if sealed_mode in ("single", "household") else "single"
        item = order_round_for_zones(ctx, name, area_jurisdiction_id, zone_ids, default_mode, due, sealed)
        return item.id

    return apply_selection(
        ctx,
        ids,
        apply,
        lambda problems: _zones(request, ctx, "active", None, problems, form),
        lambda round_id: RedirectResponse(f"/testing/rounds/{round_id}", status_code=303),
    )


def _local(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI) if raw.strip() else None
    except ValueError:
        return None


def _zone(request: Request, ctx: Ctx, zone_id: int, problems: list[Problem] | None = None) -> Response:
    ctx.actor.require(READ)
    zone = access_zone(ctx.session, ctx.actor, zone_id)
    places = list(ctx.session.scalars(select(ControlZonePlace).where(ControlZonePlace.zone_id == zone.id)))
    readings = zone_rounds.read_rounds(ctx, zone)
    return render(
        request,
        "control/zone.html",
        status_code=422 if problems else 200,
        zone=zone,
        places=places,
        readings=readings,
        read=zone_rounds.latest_negative(readings),
        round_on=zones.round_on(zone, readings),
        can_read_rounds=ctx.actor.can(TESTING_READ),
        check=zones.check(ctx, zone, readings),
        levels=rules.ZONE_LEVELS[zone.scheme],
        editions=rules.EDITION_NAMES,
        problems=problems or [],
    )


@router.get("/control/zones/{zone_id}")
def zone_page(request: Request, zone_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _zone(request, ctx, zone_id)


@router.post("/control/zones/{zone_id}/{action}", dependencies=[Depends(check_csrf)])
def zone_action(
    request: Request,
    zone_id: int,
    action: str,
    override_reason: str = Form(""),
    on: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        if action == "lift":
            zones.lift(ctx, zone_id, override_reason)
        elif action == "round":
            try:
                day = date.fromisoformat(on)
            except ValueError:
                return _zone(
                    request, ctx, zone_id, [Problem("on", "日期格式应为YYYY-MM-DD", "dates are YYYY-MM-DD")]
                )
            zones.record_round(ctx, zone_id, day, note)
        else:
            return Response(status_code=404)
    except DomainError as exc:
        ctx.session.rollback()
        return _zone(request, ctx, zone_id, form_problems(exc))
    return RedirectResponse(f"/control/zones/{zone_id}", status_code=303)
