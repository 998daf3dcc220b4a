"""JSON API for testing: rounds and progress, sites, teams, labs, tubes, shipments, results."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, NotFound
from lianfang.core.tabular import Row
from lianfang.core.web import read_upload, runtime_of, staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.testing import fast, intake, progress, repository, rules, service, tubes
from lianfang.testing.access import READ, access_round, access_tube
from lianfang.testing.models import Tube, TubeResult
from lianfang.testing.schemas import (
    AreaMode,
    AreaRead,
    ControlPage,
    ControlRead,
    IndividualIn,
    LabCreate,
    LabRead,
    PersonResultRead,
    PersonResults,
    PersonToVisit,
    ProgressRead,
    ResultsIn,
    RoundCreate,
    RoundPage,
    RoundRead,
    SamplesBatchIn,
    SamplesBatchOut,
    SamplesIn,
    SamplesOut,
    ShipmentCreate,
    ShipmentRead,
    SiteCreate,
    SiteRead,
    TallyRead,
    TeamCreate,
    TeamRead,
    TubeOpen,
    TubeRead,
    UnsampledPage,
    ZonesIn,
)

router = APIRouter(prefix="/api/testing", tags=["testing"])


def _tube_read(ctx: Ctx, tube: Tube) -> TubeRead:
    read = TubeRead.model_validate(tube)
    stored = ctx.session.get(TubeResult, tube.id)
    if stored is not None:
        read.result, read.reported_at = stored.result, stored.reported_at
    return read


@router.get("/rounds", response_model=RoundPage)
def list_rounds(before: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)) -> RoundPage:
    """Rounds over (or containing) the caller's jurisdiction, newest first; pass `next_before` on."""
    ctx.actor.require(READ)
    size = max(1, min(limit, 200))
    rows = repository.rounds_page(ctx.session, ctx.actor, before, size + 1)
    items = [RoundRead.model_validate(r) for r in rows[:size]]
    return RoundPage(items=items, next_before=rows[size - 1].id if len(rows) > size else None)


@router.post("/rounds", status_code=201, response_model=RoundRead)
def order_round(body: RoundCreate, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    """Order a round over a jurisdiction subtree (deadline 24 h by default; expected from the registry)."""
    data = service.RoundInput(
        body.name,
        body.area_jurisdiction_id,
        body.default_mode,
        body.deadline,
        body.note,
        tuple(body.areas),
        tuple(z.to_area() for z in body.zones),
    )
    return RoundRead.model_validate(service.order_round(ctx, data))


@router.get("/rounds/{round_id}", response_model=RoundRead)
def get_round(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    ctx.actor.require(READ)
    return RoundRead.model_validate(access_round(ctx.session, ctx.actor, round_id))


@router.post("/rounds/{round_id}/areas", response_model=AreaMode)
def set_area(round_id: int, body: AreaMode, ctx: Ctx = Depends(staff_ctx)) -> AreaMode:
    area = service.set_area_mode(ctx, round_id, body.jurisdiction_id, body.mode)
    return AreaMode(jurisdiction_id=area.jurisdiction_id, mode=area.mode)


@router.post("/rounds/{round_id}/zones", response_model=list[AreaRead])
def set_zones(round_id: int, body: ZonesIn, ctx: Ctx = Depends(staff_ctx)) -> list[AreaRead]:
    """Zones of a round with their pooling mode (by kind unless given); re-sending a zone updates it."""
    stored = service.set_zones(ctx, round_id, [z.to_area() for z in body.zones])
    return [AreaRead.model_validate(a) for a in stored]


@router.get("/rounds/{round_id}/areas", response_model=list[AreaRead])
def list_areas(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[AreaRead]:
    """The round's areas and zones with their pooling modes."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    return [AreaRead.model_validate(a) for a in repository.round_area_list(ctx.session, item.id)]


@router.post("/rounds/{round_id}/close", response_model=RoundRead)
def close_round(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    return RoundRead.model_validate(service.close_round(ctx, round_id))


def _tally(t: progress.Tally) -> TallyRead:
    j = t.jurisdiction
    return TallyRead(
        jurisdiction_id=j.id if j else None,
        name=j.name if j else "",
        path=t.path,
        expected=t.expected,
        sampled=t.sampled,
        percent=round(t.percent, 1),
        tubes_open=t.tubes_open,
        tubes_in_transit=t.tubes_in_transit,
        results_back=t.results_back,
        positive_pools=t.positive_pools,
        turnaround_hours=round(t.turnaround_hours, 2) if t.turnaround_hours is not None else None,
    )


@router.get("/rounds/{round_id}/progress", response_model=ProgressRead)
def round_progress(
    round_id: int, jurisdiction_id: int | None = None, refresh: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> ProgressRead:
    """Sampled versus expected, tubes open and in transit, results back, turnaround and positive pools,
    under a jurisdiction (default: the caller's home) by child jurisdiction. `refresh` recomputes first."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    if refresh:
        progress.refresh(ctx, item.id)
    place_id = jurisdiction_id or (
        item.area_jurisdiction_id if ctx.actor.covers(item.area_path) else ctx.actor.jurisdiction_id
    )
    place = access_jurisdiction(ctx.session, ctx.actor, place_id or 0)
    total, kids = progress.breakdown(ctx.session, item.id, place)
    return ProgressRead(
        round=RoundRead.model_validate(item), total=_tally(total), children=[_tally(k) for k in kids]
    )


@router.get("/rounds/{round_id}/unsampled", response_model=UnsampledPage)
def unsampled(
    round_id: int,
    community_id: int,
    after: int | None = None,
    limit: int = 100,
    ctx: Ctx = Depends(staff_ctx),
) -> UnsampledPage:
    """People registered in a community with no sample in the round: the door-knocking list, by id."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    size = max(1, min(limit, 500))
    rows = repository.unsampled_page(ctx.session, item.id, community.path, after, size + 1)
    audit.record(
        ctx, "testing.unsampled_read", "testing_round", item.id, community.path, count=len(rows[:size])
    )
    return UnsampledPage(
        items=[
            PersonToVisit(
                person_id=p.id,
                name_masked=mask_name(p.name),
                id_masked=p.id_masked,
                phone_masked=p.phone_masked,
                address=p.address,
            )
            for p in rows[:size]
        ],
        next_after=rows[size - 1].id if len(rows) > size else None,
    )


@router.post("/sites", status_code=201, response_model=SiteRead)
def create_site(body: SiteCreate, ctx: Ctx = Depends(staff_ctx)) -> SiteRead:
    return SiteRead.model_validate(service.create_site(ctx, body.name, body.jurisdiction_id, body.address))


@router.post("/sites/{site_id}/teams", status_code=201, response_model=TeamRead)
def create_team(site_id: int, body: TeamCreate, ctx: Ctx = Depends(staff_ctx)) -> TeamRead:
    return TeamRead.model_validate(service.create_team(ctx, site_id, body.name))


@router.post("/labs", status_code=201, response_model=LabRead)
def create_lab(body: LabCreate, ctx: Ctx = Depends(staff_ctx)) -> LabRead:
    return LabRead.model_validate(
        service.create_lab(ctx, body.name, body.jurisdiction_id, body.daily_capacity)
    )


@router.post("/tubes", status_code=201, response_model=TubeRead, responses={200: {"model": TubeRead}})
def open_tube(body: TubeOpen, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Open a tube (scan its barcode); opening the same open barcode at the same site again returns it."""
    tube, created = tubes.open_tube(ctx, body.barcode, body.site_id, body.round_id, body.team_id, body.mode)
    body_json = _tube_read(ctx, tube).model_dump_json()
    return Response(body_json, status_code=201 if created else 200, media_type="application/json")


@router.get("/tubes/{barcode}", response_model=TubeRead)
def get_tube(barcode: str, ctx: Ctx = Depends(staff_ctx)) -> TubeRead:
    ctx.actor.require(READ)
    return _tube_read(ctx, access_tube(ctx.session, ctx.actor, barcode))


MEDIA = "application/json"


@router.post(
    "/tubes/{barcode}/samples",
    responses={200: {"model": SamplesOut}},
    openapi_extra={
        "requestBody": {"content": {MEDIA: {"schema": SamplesIn.model_json_schema()}}, "required": True}
    },
)
async def add_samples(barcode: str, request: Request) -> Response:
    """Add persons' samples to an open tube (all or nothing); a person already in it is a `duplicate`.
    Answers once the samples are committed (group commit with concurrent requests). Served by
    `fast.endpoints`, a hot path of the app ahead of the router; this route documents it and serves
    the same way if it is ever reached."""
    status, body = await fast.post_samples(request, fast.state_for(runtime_of(request)))
    return Response(body, status_code=status, media_type=MEDIA)


@router.post(
    "/samples/batch",
    responses={200: {"model": SamplesBatchOut}},
    openapi_extra={
        "requestBody": {"content": {MEDIA: {"schema": SamplesBatchIn.model_json_schema()}}, "required": True}
    },
)
async def add_samples_batch(request: Request) -> Response:
    """A team's device uploads many tubes' scans (up to 2,000 tubes): each tube is all or nothing and
    answered on its own (`ok`, or its `error` with row); re-sending the batch adds nothing. A hot path
    like the single-tube route."""
    status, body = await fast.post_batch(request, fast.state_for(runtime_of(request)))
    return Response(body, status_code=status, media_type=MEDIA)


@router.post("/tubes/{barcode}/close", response_model=TubeRead)
def close_tube(barcode: str, ctx: Ctx = Depends(staff_ctx)) -> TubeRead:
    return _tube_read(ctx, tubes.close_tube(ctx, barcode))


@router.post("/shipments", status_code=201, response_model=ShipmentRead)
def ship(body: ShipmentCreate, ctx: Ctx = Depends(staff_ctx)) -> ShipmentRead:
    """Ship closed tubes of a site; the lab with the most room today that serves the site gets them."""
    return ShipmentRead.model_validate(tubes.ship(ctx, body.site_id, body.barcodes))


@router.post("/shipments/{shipment_id}/receive", response_model=ShipmentRead)
def receive(shipment_id: int, ctx: Ctx = Depends(staff_ctx)) -> ShipmentRead:
    return ShipmentRead.model_validate(tubes.receive(ctx, shipment_id))


@router.post("/results")
async def upload_results(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Lab results: a `file` upload (CSV or Excel; columns barcode, result, optional reported_at) or a
    JSON body {"results": [{barcode, result, reported_at}], "dry_run"}. Idempotent per tube; every
    valid row is kept and every invalid row reported."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise DomainError("请上传文件（file）", "upload the results as `file`", 422)
            dry_run = str(form.get("dry_run", "")).lower() in ("1", "true", "on")
            name = upload.filename or ""
            content = await run_in_threadpool(read_upload, upload)  # type: ignore[arg-type]
        report = await run_in_threadpool(intake.upload_file, ctx, name, content, dry_run)
    else:
        body = ResultsIn.model_validate_json(await request.body())
        rows = [Row(i, r.model_dump()) for i, r in enumerate(body.results, start=1)]
        report = await run_in_threadpool(intake.upload_rows, ctx, rows, body.dry_run)
    return Response(json.dumps(report.as_dict(), ensure_ascii=False), media_type="application/json")


@router.post("/results/individual", status_code=201, response_model=TubeRead)
def individual(body: IndividualIn, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """One person's result from a clinic, hospital or self-paid test (idempotent on the barcode)."""
    data = intake.IndividualInput(
        body.person, body.barcode, body.result, body.sampled_at, body.reported_at, body.source, body.facility
    )
    tube, created = intake.record_individual(ctx, data)
    body_json = _tube_read(ctx, tube).model_dump_json()
    return Response(body_json, status_code=201 if created else 200, media_type="application/json")


@router.get("/people/{person_id}/results", response_model=PersonResults)
def person_results(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> PersonResults:
    """A person's recent results with their 48/72-hour validity now, and whether a control is open."""
    ctx.actor.require(READ)
    person = ctx.session.get(Person, person_id)
    if person is None or not ctx.actor.covers(person.jurisdiction_path):
        raise NotFound("人员", "person")
    audit.record(ctx, "testing.person_results_read", "person", person.id, person.jurisdiction_path)
    items = []
    for r in repository.person_results(ctx.session, person.id):
        fresh = r.result == "negative" and r.reported_at is not None
        items.append(
            PersonResultRead(
                sample_id=r.sample_id,
                barcode=r.barcode,
                kind=r.kind,
                result=r.result,
                sampled_at=r.sampled_at,
                reported_at=r.reported_at,
                valid_48h=fresh and rules.validity(r.reported_at, ctx.now, 48).valid,  # type: ignore[arg-type]
                valid_72h=fresh and rules.validity(r.reported_at, ctx.now, 72).valid,  # type: ignore[arg-type]
            )
        )
    controls = repository.open_controls(ctx.session, person.id)
    return PersonResults(person_id=person.id, under_control=bool(controls), results=items)


@router.get("/controls", response_model=ControlPage)
def controls(after: int | None = None, limit: int = 100, ctx: Ctx = Depends(staff_ctx)) -> ControlPage:
    """Open temporary controls (members of positive pools) in the caller's jurisdiction, by id."""
    ctx.actor.require(READ)
    size = max(1, min(limit, 500))
    rows = repository.controls_page(ctx.session, ctx.actor, after, size + 1)
    return ControlPage(
        items=[ControlRead.model_validate(c) for c in rows[:size]],
        next_after=rows[size - 1].id if len(rows) > size else None,
    )
