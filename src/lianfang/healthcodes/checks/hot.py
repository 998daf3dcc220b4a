"""Online verification (`POST /api/healthcodes/verify` `{"token": "LF2...."}`, a staff bearer token with
`healthcodes.check`): a hot path of the app (`core.web.App.add_hot_path`), served ahead of FastAPI's
stack. No database per request: the actor comes from the 15 s cache of `core.hot`, the keys from the
ring of `qr.service` (reloaded every 15 s, so a revoked key stops verifying within that in every
process, at once in the one that revoked it).

The answer to a readable request is 200 whether the code is valid or not: `valid` true, with colour,
status (集中观察 / 居家观察 / 未见异常), pop-ups, the action (「红码禁止、黄码限制、绿码通行」) and the
token's times; or `valid` false, with the `reason` (malformed, unknown_key, bad_signature, expired,
not_yet_valid, key_retired), messages in both languages and the action "no entry". A request the
endpoint cannot read is an error as every API error is: 401 / 403, 413 (body over 4 KB), 422 (not
JSON, no `token`, a token longer than 256 characters). Verifying is not audited: the answer says
nothing the code itself does not show (the checking page, which shows the holder's masked name, is)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from fastapi import Request

from lianfang.core.clock import utcnow
from lianfang.core.errors import DomainError, Forbidden, Invalid, Problem
from lianfang.core.events import EventBus
from lianfang.core.hot import Actors, HotEndpoint, raw_header
from lianfang.core.jobs import Runtime
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys

PATH = "/api/healthcodes/verify"


MAX_BODY = 4096


MEDIA = "application/json"


PERMISSION = "healthcodes.check"


@dataclass
class _State:
    actors: Actors
    leeway: int


_STATES: WeakKeyDictionary[EventBus, _State] = WeakKeyDictionary()


def _state(runtime: Runtime) -> _State:
    state = _STATES.get(runtime.bus)
    if state is None:
        state = _State(Actors(), runtime.settings.healthcode_verify_leeway_seconds)
        _STATES[runtime.bus] = state
    return state


def _problem(field: str, zh: str, en: str) -> Invalid:
    return Invalid([Problem(field, zh, en)])


async def _body(request: Request) -> bytes:
    too_big = DomainError("请求体超过4KB", "the request body is larger than 4 KB", 413)
    declared = raw_header(request, b"content-length") or b""
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_big
    body = b""
    while True:
        message = await request.receive()
        body += bytes(message.get("body", b""))
        if len(body) > MAX_BODY:
            raise too_big
        if not message.get("more_body", False):
            return body


def token_of(body: bytes) -> str:
    """The `token` of a request body, or Invalid saying what is wrong."""
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _problem("body", "请求体不是有效的JSON", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise _problem(
            "body", '请求体应为JSON对象 {"token": "…"}', 'the body must be a JSON object {"token": "…"}'
        )
    token = data.get("token")
    if not isinstance(token, str) or not token.strip():
        raise _problem("token", "缺少token（扫描到的健康码内容）", "token (the scanned code) is required")
    if len(token) > tokens.MAX_LENGTH:
        raise _problem(
            "token",
            f"token过长（最多{tokens.MAX_LENGTH}个字符）",
            f"token is too long (at most {tokens.MAX_LENGTH} characters)",
        )
    return token.strip()


async def verify(request: Request, runtime: Runtime | None = None) -> tuple[int, bytes]:
    """Authenticate, read and verify; the answer of `POST /api/healthcodes/verify` (`runtime`: the
    app's, when the caller has it at hand)."""
    runtime = runtime or request.app.state.runtime
    state = _state(runtime)
    actor = await state.actors.staff(request, runtime)
    if not actor.can(PERMISSION):
        raise Forbidden()
    token = token_of(await _body(request))
    now = utcnow()
    ring = keys.cached_ring(runtime.factory) or await keys.ring_async(runtime.factory, now)
    try:
        verified = tokens.verify(token, ring.public, now, state.leeway, ring.tag_keys(runtime.settings))
    except tokens.TokenRejected as rejected:
        refused = rejected.as_dict() | {"checked_at": _iso(int(now.timestamp()))}
        return 200, json.dumps(refused, ensure_ascii=False).encode()
    return 200, answer_json(verified, now)


_FIXED = ("colour", "status_zh", "status_en", "popups", "action", "action_zh", "action_en")


_FRAGMENTS: dict[tuple[str, tuple[str, ...]], str] = {}  # at most 3 colours x 32 pop-up sets


def answer_json(verified: tokens.Verified, checked_at: datetime) -> bytes:
    """`json.dumps(verified.as_dict() | {"checked_at": ...})` (to the second), with the words of each
    (colour, pop-ups) encoded once; the key id and pseudonym need no escaping (`tokens` allows only
    A-Z a-z 0-9 _ -)."""
    fixed = _FRAGMENTS.get((verified.colour, verified.popups))
    if fixed is None:
        whole = verified.as_dict()
        fixed = json.dumps({k: whole[k] for k in _FIXED}, ensure_ascii=False)[1:-1]
        _FRAGMENTS[(verified.colour, verified.popups)] = fixed
    text = (
        f'{{"valid": true, "kid": "{verified.kid}", "pseudonym": "{verified.pseudonym}", {fixed}, '
        f'"issued_at": "{_iso(verified.issued)}", "expires_at": "{_iso(verified.expires)}", '
        f'"checked_at": "{_iso(int(checked_at.timestamp()))}"}}'
    )
    return text.encode()


_ISO: dict[int, str] = {}  # the codes in circulation share a few hundred distinct seconds


def _iso(seconds: int) -> str:
    text = _ISO.get(seconds)
    if text is None:
        if len(_ISO) >= 4096:
            _ISO.clear()
        text = _ISO[seconds] = datetime.fromtimestamp(seconds, UTC).isoformat()
    return text


def endpoint(runtime: Runtime) -> HotEndpoint:
    """`POST /api/healthcodes/verify` for `App.add_hot_path`, for the app of `runtime`."""

    async def handler(request: Request) -> tuple[int, bytes]:
        return await verify(request, runtime)

    return HotEndpoint(handler, "POST " + PATH)
