"""The lab's page: receive shipments and upload results."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.tabular import ImportReport
from lianfang.core.web import check_csrf, read_upload, staff_ctx
from lianfang.testing import repository
from lianfang.testing.access import RESULTS
from lianfang.testing.pages import render_testing
from lianfang.testing.results import imports as intake
from lianfang.testing.samples import service as tubes

router = APIRouter(include_in_schema=False)


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
    return render_testing(
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
