"""JSON API for the jurisdiction tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import download, read_upload, staff_ctx
from lianfang.jurisdictions import repository, service
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.exports import export_subtree
from lianfang.jurisdictions.schemas import JurisdictionCreate, JurisdictionRead, JurisdictionUpdate

router = APIRouter(prefix="/api/jurisdictions", tags=["jurisdictions"])


@router.get("", response_model=list[JurisdictionRead])
def list_jurisdictions(
    q: str = "",
    level: str | None = None,
    parent_id: int | None = None,
    limit: int = 200,
    ctx: Ctx = Depends(staff_ctx),
) -> list[JurisdictionRead]:
    """Children of `parent_id`, or a search over the caller's subtree."""
    assert ctx.actor.scope_path is not None
    if parent_id is not None:
        access_jurisdiction(ctx.session, ctx.actor, parent_id)
        items = repository.children(ctx.session, parent_id)
    else:
        items = repository.search(
            ctx.session, ctx.actor.scope_path, q.strip(), level, max(1, min(limit, 2000))
        )
    return [JurisdictionRead.model_validate(i) for i in items]


@router.get("/export")
def export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    assert ctx.actor.scope_path is not None
    return download(export_subtree(ctx.session, ctx.actor.scope_path, format), format, "jurisdictions")


@router.get("/{jurisdiction_id}", response_model=JurisdictionRead)
def get_jurisdiction(jurisdiction_id: int, ctx: Ctx = Depends(staff_ctx)) -> JurisdictionRead:
    return JurisdictionRead.model_validate(access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id))


@router.post("", response_model=JurisdictionRead, status_code=201)
def create(body: JurisdictionCreate, ctx: Ctx = Depends(staff_ctx)) -> JurisdictionRead:
    data = service.JurisdictionInput(body.code, body.name, body.level, body.parent_code, body.name_en)
    return JurisdictionRead.model_validate(service.create_jurisdiction(ctx, data))


@router.put("/{jurisdiction_id}", response_model=JurisdictionRead)
def update(jurisdiction_id: int, body: JurisdictionUpdate, ctx: Ctx = Depends(staff_ctx)) -> JurisdictionRead:
    item = service.update_jurisdiction(ctx, jurisdiction_id, body.name, body.name_en, body.active)
    return JurisdictionRead.model_validate(item)


@router.post("/import")
def import_file(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """Import a CSV or XLSX with columns code, name, level, parent_code[, name_en]; a per-row report."""
    content = read_upload(file)
    return service.import_tree(ctx, file.filename or "upload.csv", content, dry_run).as_dict()
