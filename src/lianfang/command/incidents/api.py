"""JSON API of incidents and their follow-ups."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.command import repository
from lianfang.command.access import READ, access_incident
from lianfang.command.incidents import service
from lianfang.command.meetings.api import as_aware
from lianfang.command.schemas import (
    FollowupWrite,
    IncidentRead,
    IncidentWrite,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


@router.post("/incidents", response_model=IncidentRead, status_code=201)
def report_incident(body: IncidentWrite, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    """Report an emergency at once (突发情况第一时间报告); a naive time is read as Asia/Shanghai."""
    occurred = as_aware(body.occurred_at)
    assert occurred is not None
    found = service.report_incident(
        ctx,
        jurisdiction_id=body.jurisdiction_id,
        occurred_at=occurred,
        place=body.place,
        summary=body.summary,
        measures=body.measures,
        interval_hours=body.interval_hours,
    )
    return IncidentRead.model_validate(found)


@router.get("/incidents", response_model=list[IncidentRead])
def list_incidents(
    state: str | None = None, before: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> list[IncidentRead]:
    ctx.actor.require(READ)
    rows = repository.incidents_page(ctx.session, ctx.actor, state, before, 50)
    return [IncidentRead.model_validate(i) for i in rows]


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def get_incident(incident_id: int, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    return IncidentRead.model_validate(access_incident(ctx.session, ctx.actor, incident_id))


@router.post("/incidents/{incident_id}/followups", response_model=IncidentRead, status_code=201)
def add_followup(incident_id: int, body: FollowupWrite, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    service.add_followup(ctx, incident_id, body.text, body.final)
    return IncidentRead.model_validate(access_incident(ctx.session, ctx.actor, incident_id))


@router.post("/incidents/{incident_id}/close", response_model=IncidentRead)
def close_incident(incident_id: int, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    return IncidentRead.model_validate(service.close_incident(ctx, incident_id))
