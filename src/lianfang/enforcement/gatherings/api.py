"""JSON API of the event register."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ, access_event
from lianfang.enforcement.gatherings import service
from lianfang.enforcement.inspections.api import page_size
from lianfang.enforcement.models import RegisteredEvent
from lianfang.enforcement.schemas import (
    DecisionIn,
    EventIn,
    EventOut,
    EventPage,
)
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"])


@router.post("/events", response_model=EventOut, status_code=201)
def register_event(body: EventIn, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(service.register_event(ctx, service.EventInput(**body.model_dump())))


@router.get("/events", response_model=EventPage)
def list_events(
    decision: str = "", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> EventPage:
    ctx.actor.require(READ)
    size = page_size(limit)
    scope = subtree_filter(ctx.actor, RegisteredEvent.jurisdiction_path)
    rows = repository.events_page(ctx.session, scope, decision, after, size + 1)
    items = [EventOut.model_validate(e) for e in rows[:size]]
    return EventPage(items=items, next_after=items[-1].id if len(rows) > size else None)


@router.get("/events/{event_id}", response_model=EventOut)
def get_event(event_id: int, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(access_event(ctx.session, ctx.actor, event_id))


@router.post("/events/{event_id}/decision", response_model=EventOut)
def decide_event(event_id: int, body: DecisionIn, ctx: Ctx = Depends(staff_ctx)) -> EventOut:
    return EventOut.model_validate(
        service.decide_event(ctx, event_id, body.decision, body.new_date, body.note)
    )
