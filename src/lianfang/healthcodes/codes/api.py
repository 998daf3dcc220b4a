"""JSON API of codes: a resident's own and family codes (with a fresh signed token), a person's code for
staff (audited), and the rule sets."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import resident_ctx, staff_ctx
from lianfang.healthcodes import access, rules
from lianfang.healthcodes.appeals.api import iso_or_none
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from lianfang.healthcodes.status.views import CodeView, code_view

router = APIRouter(tags=["healthcodes"])


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
            "last_dose_on": iso_or_none(view.vaccination.last_dose_on),
            "booster_received": view.vaccination.booster_received,
            "booster_due_on": iso_or_none(view.vaccination.booster_due_on),
        },
    }
    if with_token:
        policy = keys.policy(ctx.settings)
        body["token"] = keys.signer_for(ctx).issue(
            view.person.pseudonym, d.colour, d.popups, ctx.now, policy.ttl_seconds
        )
        body["refresh_seconds"] = policy.refresh_seconds
    return body


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
