"""JSON API of health codes: a resident's own and family codes (with a fresh signed token), a person's
code for staff (audited), appeals filed by residents or the 12345 hotline, and community decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import get_ctx, resident_ctx, staff_ctx
from lianfang.healthcodes import access, appeals, keys, rules, tokens
from lianfang.healthcodes.models import Appeal
from lianfang.healthcodes.view import CodeView, code_view

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


def _code_json(ctx: Ctx, view: CodeView, with_token: bool) -> dict[str, Any]:
    d = view.derived
    action = tokens.action_for(d.colour, d.popups)
    body: dict[str, Any] = {
        "person_id": view.person.id,
        "name_masked": view.name_masked,
        "id_masked": view.id_masked,
        "colour": d.colour,
        "label_zh": d.label[0],
        "label_en": d.label[1],
        "popups": list(d.popups),
        "edition": d.edition,
        "valid_until": d.valid_until().isoformat(),
        "action_zh": action.zh,
        "action_en": action.en,
        "reasons": [
            {
                "effect": r.effect,
                "kind": r.kind,
                "source": r.ref,
                "detail": r.detail,
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                "why_zh": e.zh,
                "why_en": e.en,
                "todo_zh": e.todo_zh,
                "todo_en": e.todo_en,
                "clears_zh": e.clears_zh,
                "clears_en": e.clears_en,
            }
            for r, e in view.effects
        ],
        "latest_test": None
        if view.latest is None
        else {
            "result": view.latest.result,
            "sampled_at": view.latest.sampled_at.isoformat(),
            "reported_at": view.latest.reported_at.isoformat() if view.latest.reported_at else None,
            "days": view.latest.days,
        },
        "vaccination": {
            "doses": view.vaccination.doses,
            "last_dose_on": _iso(view.vaccination.last_dose_on),
            "booster_received": view.vaccination.booster_received,
            "booster_due_on": _iso(view.vaccination.booster_due_on),
        },
    }
    if with_token:
        policy = keys.policy(ctx.settings)
        body["token"] = keys.signer_for(ctx).issue(
            view.person.pseudonym, d.colour, d.popups, ctx.now, policy.ttl_seconds
        )
        body["refresh_seconds"] = policy.refresh_seconds
    return body


def _iso(value: date | datetime | None) -> str | None:
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
        "decided_at": _iso(a.decided_at),
        "assignment_id": a.assignment_id,
        "created_at": a.created_at.isoformat(),
    }


@router.get("/api/me/healthcode")
def my_codes(ctx: Ctx = Depends(resident_ctx)) -> dict[str, Any]:
    """The signed-in resident's own codes and those of their family members (他人代查)."""
    own, family = access.resident_people(ctx)
    return {
        "own": [_code_json(ctx, code_view(ctx, p), True) for p in own],
        "family": [_code_json(ctx, code_view(ctx, p), True) for p in family],
    }


@router.get("/api/healthcodes/people/{person_id}")
def person_code(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    person = access.staff_person(ctx, person_id)
    return _code_json(ctx, code_view(ctx, person), False)


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


@router.get("/api/healthcodes/rules")
def rule_sets() -> dict[str, Any]:
    """The rule sets in force and the plain-language meaning of every kind of fact (public)."""
    return {
        "editions": [
            {"edition": r.edition, "effective_from": r.effective_from.isoformat(), "citation": r.citation}
            for r in rules.RULE_SETS
        ],
        "kinds": {k: {"effect": e.effect, "zh": e.zh, "en": e.en} for k, e in rules.KINDS.items()},
    }
