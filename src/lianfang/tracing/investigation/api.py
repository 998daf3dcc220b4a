"""JSON API of one case's investigation: timeline, proposals, contacts (add, decide) and requests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import repository
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.investigation import hot as fast
from lianfang.tracing.investigation import views
from lianfang.tracing.schemas import (
    ContactAdd,
    DecideBody,
)

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


@router.get("/cases/{case_id}/timeline")
def case_timeline(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    return [item.__dict__ for item in views.timeline(ctx, case)]


@router.get("/cases/{case_id}/proposals")
def case_proposals(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The contacts the rules propose now (household, groups, venue overlaps, transport), not stored:
    `{case_id, rule_edition, items: [{person_id, name, id_masked, jurisdiction_path, category, reason,
    detail, rule, venue_id, first_contact_at, last_contact_at, overlap_minutes}]}`. (Served by
    `fast.endpoint`, a hot path of the app ahead of the router; this route documents it and answers
    the same if it is ever reached.)"""
    return Response(fast.proposals_body(ctx, case_id), media_type="application/json")


@router.post("/cases/{case_id}/propose")
def store_proposals(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> dict[str, int]:
    result = contacts.propose(ctx, case_id)
    return {"proposed": result.proposed, "updated": result.updated, "secondary": result.secondary}


@router.get("/cases/{case_id}/contacts")
def case_contacts(
    case_id: int,
    category: str = "",
    status: str = "",
    after: int | None = None,
    limit: int = 500,
    ctx: Ctx = Depends(staff_ctx),
) -> dict[str, Any]:
    """The stored contacts, by id, one keyset page at a time (pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    limit = max(1, min(limit, 2000))
    rows = views.contacts(ctx, case, category or None, status or None, after, limit + 1)
    audit.record(
        ctx, "tracing.case.contacts", "tracing_case", case.id, case.jurisdiction_path, count=len(rows)
    )
    more = len(rows) > limit
    return {"items": rows[:limit], "next_after": rows[limit - 1]["id"] if more else None}


@router.post("/cases/{case_id}/contacts", status_code=201)
def add_contact(case_id: int, body: ContactAdd, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    contact = contacts.add_contact(ctx, case_id, contacts.ManualContact(**body.model_dump()))
    return {"id": contact.id, "status": contact.status, "category": contact.category}


@router.post("/contacts/decide")
def decide(body: DecideBody, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Bulk: confirm (and send) | dismiss | close | general | secondary (change the category)."""
    done = contacts.decide(ctx, body.ids, body.action, body.note)
    return {
        "done": len(done),
        "items": [{"id": c.id, "status": c.status, "category": c.category} for c in done],
    }


@router.get("/cases/{case_id}/requests")
def case_requests(
    case_id: int, after: int | None = None, limit: int = 500, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """Where each confirmed contact was sent, and the state of its request (the assignment's), by id,
    one keyset page at a time (pass `next_after` as `after`); `tallies`: the count in each state and
    how many are late, over all of the case's requests."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    limit = max(1, min(limit, 2000))
    rows = repository.requests_page(ctx.session, case.id, after, limit + 1)
    more = len(rows) > limit
    return {
        "items": views.requests(ctx, rows[:limit]),
        "next_after": rows[limit - 1].id if more else None,
        "tallies": views.request_tallies(ctx, case),
    }
