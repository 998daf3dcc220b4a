"""Pages for the jurisdiction tree: browse, edit, add a child, import and export."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid
from lianfang.core.web import check_csrf, read_upload, render, staff_ctx
from lianfang.jurisdictions import repository, service
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.rules import LEVEL_NAMES, LEVELS

router = APIRouter(include_in_schema=False)


def _view(
    request: Request,
    ctx: Ctx,
    jurisdiction_id: int | None,
    problems: list[object],
    status_code: int = 200,
    notice: str = "",
) -> Response:
    home_id = ctx.actor.jurisdiction_id
    assert home_id is not None
    item = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id or home_id)
    kids = repository.children(ctx.session, item.id)
    counts = repository.child_counts(ctx.session, [k.id for k in kids])
    trail = [a for a in repository.ancestors(ctx.session, item) if ctx.actor.covers(a.path)]
    child_level = LEVELS[LEVELS.index(item.level) + 1] if item.level != LEVELS[-1] else None
    return render(
        request,
        "jurisdictions/view.html",
        status_code=status_code,
        item=item,
        children=kids,
        counts=counts,
        trail=trail,
        child_level=child_level,
        level_names=LEVEL_NAMES,
        problems=problems,
        notice=notice,
    )


@router.get("/jurisdictions")
def tree(request: Request, q: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    if q.strip():
        assert ctx.actor.scope_path is not None
        found = repository.search(ctx.session, ctx.actor.scope_path, q.strip(), None, 200)
        return render(request, "jurisdictions/search.html", q=q, found=found, level_names=LEVEL_NAMES)
    return _view(request, ctx, None, [])


@router.get("/jurisdictions/import")
def import_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(service.PERMISSION)
    return render(request, "jurisdictions/import.html", report=None, problems=[])


@router.post("/jurisdictions/import", dependencies=[Depends(check_csrf)])
def import_submit(
    request: Request, file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        report = service.import_tree(ctx, file.filename or "upload.csv", read_upload(file), dry_run)
    except DomainError as exc:
        ctx.session.rollback()
        return render(
            request,
            "jurisdictions/import.html",
            status_code=exc.status,
            report=None,
            problems=exc.problems or [],
        )
    return render(request, "jurisdictions/import.html", report=report, problems=report.problems or [])


@router.get("/jurisdictions/{jurisdiction_id}")
def view(request: Request, jurisdiction_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _view(request, ctx, jurisdiction_id, [])


@router.post("/jurisdictions/{jurisdiction_id}", dependencies=[Depends(check_csrf)])
def edit(
    request: Request,
    jurisdiction_id: int,
    name: str = Form(""),
    name_en: str = Form(""),
    active: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.update_jurisdiction(ctx, jurisdiction_id, name, name_en, active)
    except Invalid as exc:
        ctx.session.rollback()
        return _view(request, ctx, jurisdiction_id, list(exc.problems), 422)
    return RedirectResponse(f"/jurisdictions/{jurisdiction_id}", status_code=303)


@router.post("/jurisdictions/{jurisdiction_id}/children", dependencies=[Depends(check_csrf)])
def add_child(
    request: Request,
    jurisdiction_id: int,
    code: str = Form(""),
    name: str = Form(""),
    name_en: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    parent = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    level = LEVELS[min(LEVELS.index(parent.level) + 1, len(LEVELS) - 1)]
    try:
        child = service.create_jurisdiction(
            ctx, service.JurisdictionInput(code, name, level, parent.code, name_en)
        )
    except Invalid as exc:
        ctx.session.rollback()
        return _view(request, ctx, jurisdiction_id, list(exc.problems), 422)
    return RedirectResponse(f"/jurisdictions/{child.id}", status_code=303)
