"""FHIR API: a case or a district's cases as a Bundle (application/fhir+json), and a lab's Bundle of results
in. Exports need `tracing.read` and the scope (`reveal=true` also `identity.reveal`); results need
`testing.results`."""

from __future__ import annotations

from datetime import date

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from lianfang.core.body import read_json
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.interop.fhir import imports as intake
from lianfang.interop.fhir import service

router = APIRouter(prefix="/api/interop/fhir", tags=["interop: FHIR R4"])
MEDIA = "application/fhir+json"
MAX_BUNDLE = 8 * 1024 * 1024


@router.get("/cases/{case_id}")
def case_bundle(case_id: int, reveal: bool = False, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The case with its contacts, test results, vaccinations and control orders as a Bundle (collection)."""
    body = orjson.dumps(service.export_case(ctx, case_id, reveal))
    return Response(body, media_type=MEDIA, headers={"Cache-Control": "no-store"})


@router.get("/jurisdictions/{jurisdiction_id}/cases")
def district_bundle(
    jurisdiction_id: int,
    start: date | None = None,
    end: date | None = None,
    reveal: bool = False,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The cases of a district (or any jurisdiction) reported on local days `start`..`end` (at most 366)."""
    body = service.export_district(ctx, jurisdiction_id, start, end, reveal)
    return Response(body, media_type=MEDIA, headers={"Cache-Control": "no-store"})


@router.post("/lab-results")
async def lab_results(request: Request, dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """A lab's Bundle of DiagnosticReport / Observation (LOINC 94500-6 and peers). A Bundle with any
    problem is refused whole (422, problems by entry); otherwise the report of the result upload:
    created, unchanged, and the entries it could not record (row = entry number). Over 8 MB: 413."""
    data = await read_json(request, MAX_BUNDLE)
    report = await run_in_threadpool(intake.record_bundle, ctx, data, dry_run)
    return Response(orjson.dumps(report.as_dict()), media_type="application/json")
