"""Pages for testing: the command's rounds and progress (with the door-knocking list), the sampling
team's phone page (open a tube, scan people, close, ship) and the lab's upload page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core import audit
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, DomainError, Invalid, Problem
from lianfang.core.tabular import ImportReport
from lianfang.core.web import check_csrf, export_download, keyset_batches, read_upload, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.testing import intake, progress, repository, rules, service, tubes
from lianfang.testing.access import ORDER, READ, RESULTS, SAMPLE, access_round, access_site, access_tube
from lianfang.testing.models import TubeResult

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    names = {"modes": rules.MODES, "result_names": rules.RESULTS}
    return render(request, template, status_code, **names, **context)


def _int(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _hub(
    request: Request, ctx: Ctx, before: int | None, problems: list[Problem], status_code: int = 200
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = repository.rounds_page(ctx.session, ctx.actor, before, size + 1)
    scope = ctx.actor.scope_path
    can_order = ctx.actor.can(ORDER)
    places = (
        jurisdictions_repository.search(ctx.session, scope, "", None, 2000) if scope and can_order else []
    )
    return _render(
        request,
        "testing/hub.html",
        status_code=status_code,
        rounds=rows[:size],
        next_url=f"/testing?before={rows[size - 1].id}" if len(rows) > size else None,
        places=places,
        sites=repository.sites_in(ctx.session, ctx.actor, 200),
        labs=repository.labs_in(ctx.session, ctx.actor),
        can_order=can_order,
        problems=problems,
        now=ctx.now,
    )


@router.get("/testing")
def hub(request: Request, before: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _hub(request, ctx, _int(before), [])


def _local(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI) if raw.strip() else None
    except ValueError:
        return None


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
        data = service.RoundInput(name, area_jurisdiction_id, default_mode, _local(deadline))
        item = service.order_round(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _hub(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse(f"/testing/rounds/{item.id}", status_code=303)


@router.post("/testing/sites", dependencies=[Depends(check_csrf)])
def create_site(
    request: Request,
    name: str = Form(""),
    jurisdiction_id: int = Form(0),
    address: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.create_site(ctx, name, jurisdiction_id, address)
    except Invalid as exc:
        ctx.session.rollback()
        return _hub(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse("/testing", status_code=303)


@router.post("/testing/labs", dependencies=[Depends(check_csrf)])
def create_lab(
    request: Request,
    name: str = Form(""),
    jurisdiction_id: int = Form(0),
    daily_capacity: int = Form(0),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.create_lab(ctx, name, jurisdiction_id, daily_capacity)
    except Invalid as exc:
        ctx.session.rollback()
        return _hub(request, ctx, None, list(exc.problems), 422)
    return RedirectResponse("/testing", status_code=303)


@router.get("/testing/rounds/{round_id}")
def round_page(
    request: Request, round_id: int, jurisdiction_id: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    place_id = _int(jurisdiction_id) or (
        item.area_jurisdiction_id if ctx.actor.covers(item.area_path) else ctx.actor.jurisdiction_id
    )
    place = access_jurisdiction(ctx.session, ctx.actor, place_id or 0)
    total, kids = progress.breakdown(ctx.session, item.id, place)
    areas = repository.round_area_list(ctx.session, item.id)
    names = repository.jurisdiction_names(ctx.session, {a.jurisdiction_id for a in areas})
    return _render(
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
    query = f"?jurisdiction_id={_int(jurisdiction_id)}" if _int(jurisdiction_id) else ""
    return RedirectResponse(f"/testing/rounds/{item.id}{query}", status_code=303)


@router.get("/testing/rounds/{round_id}/unsampled")
def unsampled(
    request: Request, round_id: int, community_id: int, after: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    size = ctx.settings.page_size
    rows = repository.unsampled_page(ctx.session, item.id, community.path, _int(after), size + 1)
    audit.record(
        ctx, "testing.unsampled_read", "testing_round", item.id, community.path, count=len(rows[:size])
    )
    query = {"community_id": community.id}
    next_url = (
        f"/testing/rounds/{item.id}/unsampled?{urlencode({**query, 'after': rows[size - 1].id})}"
        if len(rows) > size
        else None
    )
    return _render(
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
    return _render(
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
    return _sample_view(request, ctx, _int(site_id), [], notice=shipped if shipped.isdigit() else "")


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
        tube, _ = tubes.open_tube(ctx, barcode, site_id, _int(round_id), None, mode or None)
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
    return _render(
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


def _lab_view(
    request: Request,
    ctx: Ctx,
    report: ImportReport | None = None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> Response:
    ctx.actor.require(RESULTS)
    labs = repository.labs_in(ctx.session, ctx.actor)
    shipments = repository.shipments_for_labs(ctx.session, [lab.id for lab in labs])
    return _render(
        request,
        "testing/lab.html",
        status_code=status_code,
        labs={lab.id: lab for lab in labs},
        shipments=shipments,
        report=report,
        problems=problems or [],
    )


@router.get("/testing/lab")
def lab_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _lab_view(request, ctx)


@router.post("/testing/lab/results", dependencies=[Depends(check_csrf)])
def upload(
    request: Request, file: UploadFile = File(...), dry_run: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        report = intake.upload_file(ctx, file.filename or "", read_upload(file), dry_run == "true")
    except DomainError as exc:
        ctx.session.rollback()
        return _lab_view(request, ctx, None, list(exc.problems), 422)
    return _lab_view(request, ctx, report, report.problems or [])


@router.post("/testing/lab/shipments/{shipment_id}/receive", dependencies=[Depends(check_csrf)])
def receive(shipment_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    tubes.receive(ctx, shipment_id)
    return RedirectResponse("/testing/lab", status_code=303)
