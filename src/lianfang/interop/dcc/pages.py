"""The checkpoint / airport worker's DCC page (`/interop/dcc`): scan (a scanner types the QR text), paste,
or photograph the certificate's QR code; see the verdict and the certificate's facts; record the result
on the traveller's inbound arrival. Built for a phone: one column, large targets, no script."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, read_upload, render, staff_ctx
from lianfang.interop.dcc import service
from lianfang.interop.dcc.codec import MAX_TEXT
from lianfang.interop.dcc.imports import PictureError, read_qr
from lianfang.interop.dcc.models import DccCheck

router = APIRouter(include_in_schema=False)
PAGE = "interop/dcc_check.html"


def _page(
    request: Request,
    checked: service.Checked | None = None,
    recorded: DccCheck | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
    arrival_id: str = "",
    created: bool = True,
) -> Response:
    return render(
        request,
        PAGE,
        status_code=status,
        result=checked.as_dict() if checked else None,
        recorded=recorded,
        created=created,
        problems=problems or [],
        arrival_id=arrival_id,
        max_input=MAX_TEXT,
    )


@router.get("/interop/dcc")
def dcc_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(service.PERMISSION)
    return _page(request)


@router.post("/interop/dcc", dependencies=[Depends(check_csrf)])
def dcc_submit(
    request: Request,
    qr: str = Form(""),
    photo: UploadFile | None = File(None),
    arrival_id: str = Form(""),
    action: str = Form("check"),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    ctx.actor.require(service.PERMISSION)
    text = qr.strip()
    if not text and photo is not None and photo.filename:
        try:
            text = read_qr(read_upload(photo))
        except PictureError:
            problem = Problem("photo", "照片中未识别到二维码，请重拍或粘贴", "no QR code found in the photo")
            return _page(request, problems=[problem], status=422, arrival_id=arrival_id)
    try:
        if action == "record":
            if not arrival_id.strip().isdigit():
                problem = Problem("arrival_id", "请填写入境登记编号", "give the arrival number")
                return _page(request, problems=[problem], status=422, arrival_id=arrival_id)
            row, checked, created = service.record(ctx, int(arrival_id), text)
            return _page(request, checked, row, arrival_id=arrival_id, created=created)
        return _page(request, service.check(ctx, text), arrival_id=arrival_id)
    except DomainError as exc:
        if exc.status not in (404, 422):
            raise
        ctx.session.rollback()
        problems = exc.problems or [Problem("arrival_id", exc.zh, exc.en)]
        return _page(request, problems=problems, status=exc.status, arrival_id=arrival_id)
