"""Reading a request body with a cap, before any parsing: a 10 MB paste or Bundle is refused with 413 and
nothing is read past the limit."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from lianfang.core.errors import DomainError, Invalid, Problem


def _too_big(limit: int) -> DomainError:
    size = f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024)} MB"
    return DomainError(f"请求体超过{size}", f"the request body is larger than {size}", 413)


async def read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_big(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_big(limit)
    return bytes(body)


async def read_json(request: Request, limit: int) -> Any:
    raw = await read_capped(request, limit)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Invalid([Problem("body", "请求体不是有效的JSON", "the body is not valid JSON")]) from None
