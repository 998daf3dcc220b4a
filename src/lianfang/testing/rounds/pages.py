"""Pages of a round: ordering one, its progress (with a refresh) and the door-knocking list with its
export."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid
from lianfang.core.web import check_csrf, export_download, keyset_batches, staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.testing import repository, rules
from lianfang.testing.access import READ, access_round
from lianfang.testing.pages import hub_page, int_or_none, local_time, render_testing
from lianfang.testing.rounds import refresh as progress
from lianfang.testing.rounds import service

router = APIRouter(include_in_schema=False)


@router.post("/testing/rounds", dependencies=[Depends(check_csrf)])
def order_round(
    request: Request,
    name: str = Form(""),
    area_jurisdiction_id: int = Form(0),
    default_mode: str = Form(rules.DEFAULT_MODE),
    deadline: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        data = service.RoundInput(name, area_jurisdiction_id, default_mode, local_time(deadline))
        item = service.order_round(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return hub_page(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse(f"/testing/rounds/{item.id}", status_code=303)


@router.get("/testing/rounds/{round_id}")
def round_page(
    request: Request, round_id: int, jurisdiction_id: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    place_id = int_or_none(jurisdiction_id) or (
        item.area_jurisdiction_id if ctx.actor.covers(item.area_path) else ctx.actor.jurisdiction_id
    )
    place = access_jurisdiction(ctx.session, ctx.actor, place_id or 0)
    total, kids = progress.breakdown(ctx.session, item.id, place)
    areas = repository.round_area_list(ctx.session, item.id)
    names = repository.jurisdiction_names(ctx.session, {a.jurisdiction_id for a in areas})
    return render_testing(
        request,
        "testing/round.html",
        item=item,
        place=place,
        total=total,
        kids=kids,
        now=ctx.now,
        areas=areas,
        area_names=names,
        zone_kinds=rules.ZONE_KINDS,
    )


@router.post("/testing/rounds/{round_id}/refresh", dependencies=[Depends(check_csrf)])
def refresh(round_id: int, jurisdiction_id: str = Form(""), ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    progress.refresh(ctx, item.id)
    query = f"?jurisdiction_id={int_or_none(jurisdiction_id)}" if int_or_none(jurisdiction_id) else ""
    return RedirectResponse(f"/testing/rounds/{item.id}{query}", status_code=303)


@router.get("/testing/rounds/{round_id}/unsampled")
def unsampled(
    request: Request, round_id: int, community_id: int, after: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    size = ctx.settings.page_size
    rows = repository.unsampled_page(ctx.session, item.id, community.path, int_or_none(after), size + 1)
    audit.record(
        ctx, "testing.unsampled_read", "testing_round", item.id, community.path, count=len(rows[:size])
    )
    query = {"community_id": community.id}
    next_url = (
        f"/testing/rounds/{item.id}/unsampled?{urlencode({**query, 'after': rows[size - 1].id})}"
        if len(rows) > size
        else None
    )
    return render_testing(
        request,
        "testing/unsampled.html",
        item=item,
        community=community,
        people=rows[:size],
        next_url=next_url,
    )


@router.get("/testing/rounds/{round_id}/unsampled/export")
def unsampled_export(
    round_id: int, community_id: int, format: str = "csv", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """The door-knocking list as the page shows it: name initial, masked numbers, address."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    batches = keyset_batches(
        lambda after, n: repository.unsampled_page(ctx.session, item.id, community.path, after, n),
        lambda p: p.id,
    )
    lines = (
        [f"{p.name[:1]}*", p.id_masked, p.phone_masked or "", p.address] for batch in batches for p in batch
    )
    columns = ("name", "id_masked", "phone_masked", "address")
    return export_download(
        ctx,
        format,
        f"unsampled-{item.id}-{community.code}",
        columns,
        lines,
        "testing.unsampled_export",
        "testing_round",
        item.id,
        community.path,
        community_id=community.id,
    )
