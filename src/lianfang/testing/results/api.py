"""JSON API of results: a lab's file, individual results, a person's results, temporary controls."""

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
from lianfang.core.web import read_upload, staff_ctx
from lianfang.people.models import Person
from lianfang.testing import repository, rules
from lianfang.testing.access import READ
from lianfang.testing.results import imports as intake
from lianfang.testing.samples.api import tube_read
from lianfang.testing.schemas import (
    ControlPage,
    ControlRead,
    IndividualIn,
    PersonResultRead,
    PersonResults,
    ResultsIn,
    TubeRead,
)

router = APIRouter(prefix="/api/testing", tags=["testing"])


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
    body_json = tube_read(ctx, tube).model_dump_json()
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
