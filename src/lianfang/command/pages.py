"""The command hub (`/command`) and helpers shared by the command pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.assignments import rules as assignment_rules
from lianfang.command import repository, rules
from lianfang.command.access import READ
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import render, staff_ctx


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """render() with the names every command page shows."""
    names = {
        "body_kinds": rules.BODY_KINDS,
        "force_kinds": rules.FORCE_KINDS,
        "parties": rules.RESPONSIBILITY_PARTIES,
        "state_names": assignment_rules.STATE_NAMES,
    }
    return render(request, f"command/{template}", status_code, **names, **context)


def parse_local(raw: str, field: str) -> datetime | None:
    """A datetime-local form value read as Asia/Shanghai; None when empty."""
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid([Problem(field, "时间格式无效", "not a valid date and time")]) from None


def int_or_none(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


router = APIRouter(include_in_schema=False)


def hub_page(
    request: Request, ctx: Ctx, problems: list[Problem] | None = None, status_code: int = 200
) -> Response:
    ctx.actor.require(READ)
    bodies = repository.bodies(ctx.session)
    return page(
        request,
        "hub.html",
        status_code,
        bodies=bodies,
        by_id={b.id: b for b in bodies},
        districts=repository.districts(ctx.session, ctx.actor),
        leaders=repository.leaders(ctx.session),
        problems=problems or [],
    )


@router.get("/command")
def hub(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return hub_page(request, ctx)


def assignment_kind_names() -> dict[str, tuple[str, str]]:
    """Names of the assignment kinds the board breaks counts into; unknown kinds show their code."""
    return {
        "task": ("督办事项", "Task"),
        rules.DIRECTIVE_KIND: ("指令", "Directive"),
        rules.FOLLOWUP_KIND: ("突发情况续报", "Incident follow-up"),
    }
