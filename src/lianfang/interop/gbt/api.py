"""GB/T 38963-2020 个人健康信息码 应用接口, as `/api/gbt38963/*` (OpenAPI section "GB/T 38963").

Residents act for their own records and family members (他人代查); staff act within their scope:
query needs `healthcodes.read` (audited), verify `healthcodes.check`, a correction for a caller
`healthcodes.hotline`. A code is made only for its holder."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import get_ctx, staff_ctx
from lianfang.interop.gbt import service
from lianfang.interop.gbt.schemas import CodeIn, CorrectionIn, DeclarationIn, PersonIn

TAG = "GB/T 38963"
router = APIRouter(prefix="/api/gbt38963", tags=[TAG])
ANY = Depends(get_ctx, scope="function")


@router.post("/declarations", status_code=201, summary="用户健康信息申报 / 用户行程申报 (declare)")
def declare(body: DeclarationIn, ctx: Ctx = ANY) -> dict[str, Any]:
    trips = [service.Trip(t.place_code, t.from_on, t.to_on) for t in body.trips]
    return service.declare(ctx, body.person_id, body.temperature, body.symptoms, trips)


@router.post("/query", summary="用户健康信息查询 (query)")
def query(body: PersonIn, ctx: Ctx = ANY) -> dict[str, Any]:
    return service.query(ctx, body.person_id)


@router.post("/codes", status_code=201, summary="健康码调用申请 / 制码请求 (make a code)")
def make_code(body: PersonIn, ctx: Ctx = ANY) -> dict[str, Any]:
    return service.make_code(ctx, body.person_id)


@router.post("/verifications", summary="健康码验码请求 (verify a code)")
def verify_code(body: CodeIn, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    return service.verify_code(ctx, body.code)


@router.post("/corrections", status_code=201, summary="用户健康信息纠错 (correct)")
def correct(body: CorrectionIn, ctx: Ctx = ANY) -> dict[str, Any]:
    return service.correct(ctx, body.person_id, body.name, body.id_number, body.popup, body.statement)
