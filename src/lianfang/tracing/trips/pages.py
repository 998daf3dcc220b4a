"""Pages of carriers' manifests: import with a per-row report and the trips imported."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, read_upload, staff_ctx
from lianfang.tracing.access import READ
from lianfang.tracing.cases.pages import render_tracing
from lianfang.tracing.trips import imports as manifests
from lianfang.tracing.trips import views as trips
from lianfang.tracing.trips.api import trip_dict

router = APIRouter(include_in_schema=False)


def _manifest_page(
    request: Request,
    ctx: Ctx,
    after: int | None,
    report: Any = None,
    problems: list[Problem] | None = None,
    code: int = 200,
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = trips.trips_page(ctx.session, ctx.actor, after, size + 1)
    items = rows[:size]
    counts = trips.passenger_counts(ctx.session, [t.id for t in items])
    next_url = f"/tracing/manifests?after={items[-1].id}" if len(rows) > size else None
    return render_tracing(
        request,
        "tracing/manifests.html",
        code,
        items=[trip_dict(t, counts) for t in items],
        next_url=next_url,
        report=report,
        problems=problems or [],
        columns=manifests.COLUMNS,
    )


@router.get("/tracing/manifests")
def manifest_page(request: Request, after: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _manifest_page(request, ctx, int(after) if after.isdigit() else None)


@router.post("/tracing/manifests", dependencies=[Depends(check_csrf)])
def manifest_upload(
    request: Request,
    file: UploadFile = File(...),
    dry_run: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        report = manifests.import_manifest(ctx, file.filename or "manifest.csv", read_upload(file), dry_run)
    except DomainError as exc:
        if exc.status not in (413, 422):
            raise
        ctx.session.rollback()
        found = list(exc.problems) or [Problem("file", exc.zh, exc.en)]
        return _manifest_page(request, ctx, None, None, found, exc.status)
    return _manifest_page(request, ctx, None, report, report.problems)
