"""Plumbing for hot paths (`core.web.App.add_hot_path`): ASGI endpoints served ahead of FastAPI's stack
that authenticate from a short-lived cache, validate, hand their rows to a group-commit writer
(`core.group_commit`) and answer when the rows are committed.

- `TTLCache`: a dict whose entries expire; `Flights`: a cache miss is looked up once however many
  requests wait for it (single flight).
- `Actors.actor(request, runtime)`: the signed-in actor, cached 15 s by a hash of the presented token
  (bearer token or session cookie): a revoked token stops working within that.
- `HotEndpoint`: wraps `async handler(request) -> (status, body)`; domain errors are rendered as every
  API error is (`error_json`), anything else is logged and answered with a bilingual 500.
Core knows no domain: the authenticator is the app's (`app.state.authenticate`)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar, cast

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from lianfang.core.access import ANONYMOUS, Actor
from lianfang.core.db import transaction
from lianfang.core.errors import DomainError, Forbidden, Problem, Unauthenticated
from lianfang.core.jobs import Runtime
from lianfang.core.web import error_json

log = logging.getLogger("lianfang.core.hot")
ACTOR_TTL = 15.0
MAX_ENTRIES = 200_000
SESSION_COOKIE = "lianfang_session"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class TTLCache(Generic[K, V]):
    """A dict whose entries expire; cleared whole when it grows past its bound (simple and safe)."""

    def __init__(self, ttl: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._data: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> tuple[bool, V | None]:
        hit = self._data.get(key)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, key: K, value: V) -> None:
        if len(self._data) >= self.max_entries:
            self._data.clear()
        self._data[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        self._data.clear()


class Flights:
    """Single flight: `once(key, load)` runs `load` unless a load for `key` is under way on this loop,
    whose result is then shared."""

    def __init__(self) -> None:
        self.inflight: dict[tuple[int, str], asyncio.Future[Any]] = {}

    async def once(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        flight = (id(asyncio.get_running_loop()), key)
        waiting = self.inflight.get(flight)
        if waiting is not None:
            return cast(T, await asyncio.shield(waiting))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.inflight[flight] = future
        try:
            value = await load()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a failed look-up with no other waiter is not an error
            raise
        finally:
            self.inflight.pop(flight, None)
        future.set_result(value)
        return value


def raw_header(request: Request, name: bytes) -> bytes | None:
    """The first value of header `name` (lower case), read from the raw scope: building
    `request.headers` costs a hot path about a microsecond."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


def presented_token(request: Request) -> str | None:
    """The bearer token, else the session cookie (what the app's authenticator reads)."""
    header = (raw_header(request, b"authorization") or b"").decode("latin-1")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE) or None


def _authenticate(runtime: Runtime, request: Request) -> Actor:
    with transaction(runtime.factory) as session:
        actor: Actor = request.app.state.authenticate(session, request, runtime)
        return actor


async def cached_actor(
    request: Request, runtime: Runtime, cache: TTLCache[str, Actor | None], flights: Flights
) -> Actor:
    """The request's actor from `cache` (a miss authenticates once in a worker thread)."""
    token = presented_token(request)
    if token is None:
        return ANONYMOUS
    key = hashlib.sha256(token.encode()).hexdigest()
    hit, actor = cache.get(key)
    if not hit or actor is None:
        actor = await flights.once("actor:" + key, lambda: run_in_threadpool(_authenticate, runtime, request))
        if actor.kind in {"staff", "resident"}:
            cache.put(key, actor)
    return actor


class Actors:
    """A per-runtime actor cache with its single flight."""

    def __init__(self, ttl: float = ACTOR_TTL) -> None:
        self.cache: TTLCache[str, Actor | None] = TTLCache(ttl)
        self.flights = Flights()

    async def actor(self, request: Request, runtime: Runtime) -> Actor:
        return await cached_actor(request, runtime, self.cache, self.flights)

    async def staff(self, request: Request, runtime: Runtime) -> Actor:
        """The actor, who must be signed-in staff (401 / 403 otherwise)."""
        actor = await cached_actor(request, runtime, self.cache, self.flights)
        if actor.kind == "anonymous":
            raise Unauthenticated()
        if actor.kind != "staff":
            raise Forbidden()
        return actor


def validation_problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's complaints about a body as bilingual problems."""
    return [
        Problem(
            ".".join(str(p) for p in err.get("loc", ())) or "body",
            "输入不符合要求：" + str(err.get("msg", "")),
            str(err.get("msg", "")),
        )
        for err in exc.errors()
    ]


Handler = Callable[[Request], Awaitable[tuple[int, bytes]]]
INTERNAL = ("服务器内部错误，请稍后重试", "internal server error; try again later")


async def send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HotEndpoint:
    """An ASGI endpoint for `App.add_hot_path` around `handler(request) -> (status, JSON body)`."""

    def __init__(self, handler: Handler, label: str) -> None:
        self.handler, self.label = handler, label

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            status, body = await self.handler(request)
        except DomainError as exc:
            await error_json(exc)(scope, receive, send)
            return
        except Exception:
            log.exception("%s failed", self.label)
            await error_json(DomainError(*INTERNAL, 500))(scope, receive, send)
            return
        await send_json(send, status, body)
