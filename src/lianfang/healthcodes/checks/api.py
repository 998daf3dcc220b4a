"""Verifying QR codes by machine, as API routes: the public key set that offline gates download
(`GET /api/healthcodes/keys`, cacheable 60 s: every key a device should hold now, the next one a day
before it signs; the format of `lianfang verify-code --keys`) and the OpenAPI entry of online
verification, which the hot path serves."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lianfang.core.clock import utcnow
from lianfang.core.web import runtime_of
from lianfang.healthcodes.checks.hot import MEDIA, verify
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys

router = APIRouter(prefix="/api/healthcodes", tags=["healthcodes"])


KEYS_MAX_AGE = 60


@router.get("/keys")
async def key_set(request: Request) -> Response:
    """The public keys of the QR codes (Ed25519, raw 32 bytes, base64url) with their service windows, and
    the token lifetime and clock leeway gates apply. Public; cacheable for a minute."""
    runtime = runtime_of(request)
    now = utcnow()
    ring = await keys.ring_async(runtime.factory, now)
    body = json.dumps(keys.key_set(ring.published(now), runtime.settings, now)).encode()
    cache = f"public, max-age={KEYS_MAX_AGE}"
    return Response(body, media_type=MEDIA, headers={"Cache-Control": cache})


_EXAMPLE_VALID = {
    "valid": True,
    "kid": "Qm9vdGg7",
    "pseudonym": "kT3vYq0dW2bXo9rL1sPzAg",
    "colour": "green",
    "status_zh": "未见异常",
    "status_en": "No abnormality",
    "popups": [],
    "action": "pass",
    "action_zh": "绿码通行",
    "action_en": "Green code: pass",
    "issued_at": "2026-12-01T08:00:00+00:00",
    "expires_at": "2026-12-01T08:02:00+00:00",
    "checked_at": "2026-12-01T08:00:31+00:00",
}


@router.post(
    "/verify",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                MEDIA: {
                    "schema": {
                        "type": "object",
                        "required": ["token"],
                        "properties": {"token": {"type": "string", "maxLength": tokens.MAX_LENGTH}},
                    }
                }
            },
        }
    },
    responses={
        200: {"description": "valid, or not with a reason", "content": {MEDIA: {"example": _EXAMPLE_VALID}}}
    },
)
async def verify_route(request: Request) -> Response:
    """Verify a scanned QR code online (staff bearer token with `healthcodes.check`). Served by the hot
    path ahead of the router; this route documents it and answers the same way if ever reached."""
    status, body = await verify(request)
    return Response(body, status_code=status, media_type=MEDIA)
