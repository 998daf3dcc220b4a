"""The code-check page for gates, venues and police checkpoints (`/healthcodes/check`): a staff member scans
(a barcode scanner types the code and presses Enter) or pastes a resident's QR code; the page answers
big and clear with the colour and the action 「红码禁止、黄码限制、绿码通行」, the holder's masked name
and ID, and keeps the cursor in the field for the next person. Needs `healthcodes.check`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.healthcodes.checks.service import MAX_INPUT, CodeCheck, check_code
from lianfang.healthcodes.qr import rules as tokens

router = APIRouter(include_in_schema=False)
PAGE = "healthcodes/check.html"


def _page(
    request: Request, result: CodeCheck | None, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    return render(
        request,
        PAGE,
        status_code=status,
        result=result,
        principle=tokens.PRINCIPLE,
        max_input=MAX_INPUT,
        problems=problems or [],
    )


@router.get("/healthcodes/check")
def check_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require("healthcodes.check")
    return _page(request, None)


@router.post("/healthcodes/check", dependencies=[Depends(check_csrf)])
def check_submit(request: Request, code: str = Form(""), ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require("healthcodes.check")
    text = code.strip()
    if not text:
        problem = Problem("code", "请扫描或粘贴健康码", "scan or paste a health code")
        return _page(request, None, [problem], 422)
    if len(text) > MAX_INPUT:
        problem = Problem(
            "code", f"内容过长（最多{MAX_INPUT}个字符）", f"too long (at most {MAX_INPUT} characters)"
        )
        return _page(request, None, [problem], 422)
    return _page(request, check_code(ctx, text))
