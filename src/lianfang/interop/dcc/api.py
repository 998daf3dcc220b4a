"""JSON API of the DCC check: verify a certificate now, record one on an inbound arrival, list an
arrival's checks. Needs `interop.dcc`; recording also needs the arrival in the caller's scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from lianfang.core.body import read_json
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import staff_ctx
from lianfang.interop.dcc import service
from lianfang.interop.dcc.models import DccCheck

router = APIRouter(prefix="/api/interop/dcc", tags=["interop: EU Digital COVID Certificates"])
MAX_BODY = 16 * 1024


def _qr(data: object) -> str:
    qr = data.get("qr") if isinstance(data, dict) else None
    if not isinstance(qr, str):
        raise Invalid([Problem("qr", '请求体应为 {"qr": "HC1:…"}', 'the body must be {"qr": "HC1:…"}')])
    return qr


def check_json(row: DccCheck) -> dict[str, Any]:
    return {
        "id": row.id,
        "arrival_id": row.arrival_id,
        "valid": row.valid,
        "reason": row.reason,
        "kind": row.kind,
        "facts": row.facts,
        "signer_kid": row.signer_kid,
        "signer_country": row.signer_country,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "valid_for_entry": row.valid_for_entry,
        "verdict": row.verdict,
        "rule_edition": row.rule_edition,
        "inbound_edition": row.inbound_edition,
        "plan_shortened_days": row.plan_shortened_days,
        "checked_by": row.checked_by,
        "checked_at": row.checked_at.isoformat(),
    }


@router.post("/verify")
async def verify(request: Request, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """`{"qr": "HC1:…"}` → `valid` with the certificate's facts and the entry verdict, or `valid` false
    with the `reason` (decode.REASONS) in both languages. 413 over 16 KB."""
    text = _qr(await read_json(request, MAX_BODY))
    checked = await run_in_threadpool(service.check, ctx, text)
    return checked.as_dict()


@router.post("/arrivals/{arrival_id}/checks", status_code=201)
async def record(arrival_id: int, request: Request, ctx: Ctx = Depends(staff_ctx)) -> JSONResponse:
    """Check `{"qr"}` and record the outcome on the arrival (201; the same QR again: 200, no new row)."""
    text = _qr(await read_json(request, MAX_BODY))
    row, checked, created = await run_in_threadpool(service.record, ctx, arrival_id, text)
    body = {"check": check_json(row), "result": checked.as_dict()}
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/arrivals/{arrival_id}/checks")
def list_checks(arrival_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    return [check_json(row) for row in service.checks_of(ctx, arrival_id)]
