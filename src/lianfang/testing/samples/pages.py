"""The sampling team's phone page: open a tube, scan people, close, ship."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.testing import repository
from lianfang.testing.access import READ, SAMPLE, access_site, access_tube
from lianfang.testing.models import TubeResult
from lianfang.testing.pages import int_or_none, render_testing
from lianfang.testing.samples import service as tubes

router = APIRouter(include_in_schema=False)


def _sample_view(
    request: Request,
    ctx: Ctx,
    site_id: int | None,
    problems: list[Problem],
    status_code: int = 200,
    notice: str = "",
) -> Response:
    ctx.actor.require(SAMPLE)
    sites = repository.sites_in(ctx.session, ctx.actor, 200)
    site = (
        access_site(ctx.session, ctx.actor, site_id) if site_id else (sites[0] if len(sites) == 1 else None)
    )
    rounds = [r for r in repository.rounds_page(ctx.session, ctx.actor, None, 20) if r.status == "open"]
    return render_testing(
        request,
        "testing/sample.html",
        status_code=status_code,
        sites=sites,
        site=site,
        rounds=[r for r in rounds if site is None or site.jurisdiction_path.startswith(r.area_path)],
        tubes=repository.open_tubes(ctx.session, site.id) if site else [],
        problems=problems,
        notice=notice,
    )


@router.get("/testing/sample")
def sample_page(
    request: Request, site_id: str = "", shipped: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _sample_view(request, ctx, int_or_none(site_id), [], notice=shipped if shipped.isdigit() else "")


@router.post("/testing/sample/tubes", dependencies=[Depends(check_csrf)])
def open_tube(
    request: Request,
    site_id: int = Form(0),
    round_id: str = Form(""),
    barcode: str = Form(""),
    mode: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        tube, _ = tubes.open_tube(ctx, barcode, site_id, int_or_none(round_id), None, mode or None)
    except (Invalid, Conflict) as exc:
        ctx.session.rollback()
        return _sample_view(
            request, ctx, site_id or None, exc.problems or [Problem("barcode", exc.zh, exc.en)], 422
        )
    return RedirectResponse(f"/testing/tubes/{quote(tube.barcode)}", status_code=303)


def _tube_view(
    request: Request, ctx: Ctx, barcode: str, problems: list[Problem], status_code: int = 200, added: str = ""
) -> Response:
    ctx.actor.require(READ)
    tube = access_tube(ctx.session, ctx.actor, barcode)
    return render_testing(
        request,
        "testing/tube.html",
        status_code=status_code,
        tube=tube,
        result=ctx.session.get(TubeResult, tube.id),
        members=repository.tube_members(ctx.session, tube.id),
        problems=problems,
        added=added,
        can_sample=ctx.actor.can(SAMPLE),
    )


@router.get("/testing/tubes/{barcode}")
def tube_page(request: Request, barcode: str, added: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _tube_view(request, ctx, barcode, [], added=added)


@router.post("/testing/tubes/{barcode}/samples", dependencies=[Depends(check_csrf)])
def add_sample(
    request: Request, barcode: str, person: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        added = tubes.add_samples(ctx, barcode, [person] if person.strip() else [])
    except (Invalid, Conflict) as exc:
        ctx.session.rollback()
        return _tube_view(request, ctx, barcode, exc.problems or [Problem("people", exc.zh, exc.en)], 422)
    mark = "dup" if added[0].duplicate else "ok"
    return RedirectResponse(f"/testing/tubes/{quote(barcode)}?added={mark}", status_code=303)


@router.post("/testing/tubes/{barcode}/close", dependencies=[Depends(check_csrf)])
def close_tube(request: Request, barcode: str, ctx: Ctx = Depends(staff_ctx)) -> Response:
    try:
        tube = tubes.close_tube(ctx, barcode)
    except Conflict as exc:
        ctx.session.rollback()
        return _tube_view(request, ctx, barcode, [Problem("barcode", exc.zh, exc.en)], 409)
    return RedirectResponse(f"/testing/sample?site_id={tube.site_id or ''}", status_code=303)


@router.post("/testing/sample/ship", dependencies=[Depends(check_csrf)])
def ship(
    request: Request, site_id: int = Form(0), barcodes: list[str] = Form([]), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        shipment = tubes.ship(ctx, site_id, barcodes)
    except (Invalid, Conflict) as exc:
        ctx.session.rollback()
        return _sample_view(
            request, ctx, site_id or None, exc.problems or [Problem("barcodes", exc.zh, exc.en)], 422
        )
    return RedirectResponse(
        f"/testing/sample?site_id={site_id}&shipped={shipment.tube_count}", status_code=303
    )
