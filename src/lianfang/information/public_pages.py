"""The public information page (信息发布, no sign-in): the latest published bulletin and the list of
earlier ones, the risk areas in force (from travel) and the office's policy explanations."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import get_ctx, render
from lianfang.information import bulletins
from lianfang.information.models import PolicyPage
from lianfang.travel import repository as travel_repository
from lianfang.travel.rules import LEVELS

router = APIRouter(include_in_schema=False)
PAGE = 20


@router.get("/info")
def public_index(
    request: Request, before: int | None = None, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    found = bulletins.public_page(ctx, before, PAGE)
    items = found[:PAGE]
    current = [b for b in items if b.status == "published"]
    areas = travel_repository.active_risk_areas(ctx.session)
    names = travel_repository.place_names(ctx.session, {a.place_code for a in areas})
    return render(
        request,
        "information/public.html",
        latest=current[0] if current and before is None else None,
        items=items,
        next_url=f"/info?before={items[-1].id}" if len(found) > PAGE and items else None,
        areas=areas,
        place_names=names,
        levels=LEVELS,
        policies=bulletins.policies(ctx, published_only=True),
    )


@router.get("/info/bulletins/{bulletin_id}")
def public_bulletin(
    request: Request, bulletin_id: int, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    item = bulletins.public_bulletin(ctx, bulletin_id)
    return render(request, "information/public_bulletin.html", item=item)


@router.get("/info/policies/{policy_id}")
def public_policy(
    request: Request, policy_id: int, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    page = ctx.session.get(PolicyPage, policy_id)
    if page is None or not page.published:
        raise NotFound("政策解读", "policy page")
    return render(request, "information/public_policy.html", page=page)
