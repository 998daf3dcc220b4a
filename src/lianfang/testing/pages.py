"""The testing hub (`/testing`) and helpers shared by the testing pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.web import render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.testing import repository, rules
from lianfang.testing.access import ORDER, READ

router = APIRouter(include_in_schema=False)


def render_testing(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    names = {"modes": rules.MODES, "result_names": rules.RESULTS}
    return render(request, template, status_code, **names, **context)


def int_or_none(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def hub_page(
    request: Request, ctx: Ctx, before: int | None, problems: list[Problem], status_code: int = 200
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = repository.rounds_page(ctx.session, ctx.actor, before, size + 1)
    scope = ctx.actor.scope_path
    can_order = ctx.actor.can(ORDER)
    places = (
        jurisdictions_repository.search(ctx.session, scope, "", None, 2000) if scope and can_order else []
    )
    return render_testing(
        request,
        "testing/hub.html",
        status_code=status_code,
        rounds=rows[:size],
        next_url=f"/testing?before={rows[size - 1].id}" if len(rows) > size else None,
        places=places,
        sites=repository.sites_in(ctx.session, ctx.actor, 200),
        labs=repository.labs_in(ctx.session, ctx.actor),
        can_order=can_order,
        problems=problems,
        now=ctx.now,
    )


@router.get("/testing")
def hub(request: Request, before: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return hub_page(request, ctx, int_or_none(before), [])


def local_time(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI) if raw.strip() else None
    except ValueError:
        return None
