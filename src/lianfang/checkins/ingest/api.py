"""JSON API of batch uploads of scans."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lianfang.checkins.ingest import imports as ingest_parse
from lianfang.checkins.ingest import service as ingest
from lianfang.checkins.scans.api import MEDIA, durable_staff_ctx
from lianfang.checkins.scans.schemas import (
    BatchResult,
)
from lianfang.checkins.scans.views import state_for
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import read_upload, runtime_of

router = APIRouter(prefix="/api", tags=["checkins"])


def _kind(request: Request, filename: str = "") -> str:
    name = filename.lower()
    content_type = request.headers.get("content-type", "")
    if name.endswith(".csv") or "csv" in content_type:
        return "csv"
    if name.endswith((".ndjson", ".jsonl")) or "ndjson" in content_type or "jsonl" in content_type:
        return "ndjson"
    return "json"


@router.post("/scans/batch", responses={200: {"model": BatchResult}})
async def upload_batch(request: Request, ctx: Ctx = Depends(durable_staff_ctx)) -> Response:
    """Scans uploaded later (offline gates): a JSON array, NDJSON, or CSV (columns code,
    idempotency_key, scanned_at, left_at, person_pseudonym, id_number), as the body or as a `file`
    upload. One result per line; valid lines are kept; re-sending the batch creates nothing new."""
    filename = ""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:  # closes the uploaded file's spool
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise DomainError("请上传文件（file）", "upload the batch as `file`", 422)
            filename = upload.filename or ""
            content = await run_in_threadpool(read_upload, upload)  # type: ignore[arg-type]
    else:
        content = await request.body()
        if len(content) > 50 * 1024 * 1024:
            raise DomainError("请求超过50MB，请拆分后上传", "the body is larger than 50 MB; split it", 413)
    state = state_for(runtime_of(request))
    outcomes = await run_in_threadpool(ingest.ingest, ctx, state.hasher, content, _kind(request, filename))
    return Response(ingest_parse.report_json(outcomes), media_type=MEDIA)
