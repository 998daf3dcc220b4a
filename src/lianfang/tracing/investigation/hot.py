"""A case's proposed contacts (`GET /api/tracing/cases/{case_id}/proposals`) as a hot path of the app
(`core.web.App.add_hot_path`), served ahead of FastAPI's stack.

The investigator's page asks for them at every look, and FastAPI's dependencies would move the request
between the event loop and worker threads four times (the unit of work's entry and exit, the staff
check, the route). Here the actor comes from the short-lived cache (`core.hot.Actors`, 15 s: a revoked
token stops working within that) and the whole unit of work (scope check, proposals, audit row, commit)
runs in one worker thread. The answer is `api.case_proposals`'s: the route there documents it."""

from __future__ import annotations

from dataclasses import replace

import orjson
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from lianfang.core import audit
from lianfang.core.access import Actor
from lianfang.core.context import Ctx
from lianfang.core.db import transaction
from lianfang.core.errors import invalid
from lianfang.core.hot import Actors, HotEndpoint
from lianfang.core.jobs import Runtime
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.investigation import views

PATH = "/api/tracing/cases/{case_id}/proposals"


def proposals_body(ctx: Ctx, case_id: int) -> bytes:
    """The case's first-degree proposals as JSON, for an actor who may read the case; audited."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    items = views.proposals(ctx, case)
    audit.record(
        ctx, "tracing.case.proposals", "tracing_case", case.id, case.jurisdiction_path, count=len(items)
    )
    # Serialised directly: hundreds of rows through jsonable_encoder cost more than the queries.
    return orjson.dumps({"case_id": case.id, "rule_edition": case.rule_edition, "items": items})


def case_id_of(request: Request) -> int:
    raw = str(request.scope.get("path_params", {}).get("case_id", ""))
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise invalid("case_id", "病例编号应为数字", "the case id must be a number")
    return int(raw)


def _answer(runtime: Runtime, actor: Actor, case_id: int) -> bytes:
    with transaction(runtime.factory) as session:
        return proposals_body(runtime.ctx(session).as_actor(actor), case_id)


async def proposals(request: Request, runtime: Runtime, actors: Actors) -> tuple[int, bytes]:
    actor = await actors.staff(request, runtime)
    client = request.scope.get("client")
    ip = client[0] if client else None
    if actor.ip != ip:  # cached from the token's first request: the audit row names this one's address
        actor = replace(actor, ip=ip)
    return 200, await run_in_threadpool(_answer, runtime, actor, case_id_of(request))


def endpoint(runtime: Runtime) -> HotEndpoint:
    """The hot path for `App.add_hot_path`, for the app of `runtime`."""
    actors = Actors()

    async def handler(request: Request) -> tuple[int, bytes]:
        return await proposals(request, runtime, actors)

    return HotEndpoint(handler, "GET " + PATH)
