"""JSON API of appeals: filed by residents or the 12345 hotline, decided by the community."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import get_ctx, staff_ctx
from lianfang.healthcodes import access
from lianfang.healthcodes.appeals import service as appeals
from lianfang.healthcodes.models import Appeal

router = APIRouter(tags=["healthcodes"])


class AppealCreate(BaseModel):
    person_id: int | None = None  # residents: one of their own or family; hotline: use name + id_number
    name: str = Field(default="", max_length=120)
    id_number: str = Field(default="", max_length=18)
    popup: str = Field(max_length=2)
    statement: str = Field(max_length=1000)


class AppealDecision(BaseModel):
    outcome: str = Field(max_length=8)
    reason: str = Field(max_length=500)


def iso_or_none(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _appeal_json(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.id,
        "person_id": a.person_id,
        "popup": a.popup,
        "channel": a.channel,
        "statement": a.statement,
        "state": a.state,
        "decision_reason": a.decision_reason,
        "decided_by": a.decided_by,
        "decided_at": iso_or_none(a.decided_at),
        "assignment_id": a.assignment_id,
        "created_at": a.created_at.isoformat(),
    }


@router.post("/api/healthcodes/appeals", status_code=201)
def file_appeal(body: AppealCreate, ctx: Ctx = Depends(get_ctx, scope="function")) -> dict[str, Any]:
    if ctx.actor.kind == "resident":
        if body.person_id is None:
            raise DomainError("请指定人员", "give person_id", 422)
        person, channel = access.resident_person(ctx, body.person_id)
    elif ctx.actor.kind == "staff":
        ctx.actor.require(access.HOTLINE)
        person = access.find_by_identity(ctx, body.name, body.id_number, local_date(ctx.now))
        if not ctx.actor.covers(person.jurisdiction_path):
            raise DomainError("该人员不在您的辖区", "this person is outside your jurisdiction", 422)
        channel = "hotline"
    else:
        raise DomainError("请先登录", "sign in first", 401)
    return _appeal_json(appeals.file_appeal(ctx, person, body.popup, body.statement, channel))


@router.get("/api/healthcodes/appeals")
def appeal_list(
    state: str = "open", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    rows = appeals.appeals_page(ctx, state if state in appeals.STATES else "", after, limit)
    return {
        "items": [_appeal_json(a) for a in rows[:limit]],
        "next_after": rows[limit - 1].id if len(rows) > limit else None,
    }


@router.post("/api/healthcodes/appeals/{appeal_id}/decision")
def decide(appeal_id: int, body: AppealDecision, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    return _appeal_json(appeals.decide_appeal(ctx, appeal_id, body.outcome, body.reason))
