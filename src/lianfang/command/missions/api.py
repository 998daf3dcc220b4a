"""JSON API of work groups sent to districts and their findings."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.command.access import access_mission
from lianfang.command.meetings.api import as_aware, directive_read
from lianfang.command.missions import service
from lianfang.command.schemas import (
    DirectiveRead,
    FindingWrite,
    MissionRead,
    MissionWrite,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


@router.post("/missions", response_model=MissionRead, status_code=201)
def send_mission(body: MissionWrite, ctx: Ctx = Depends(staff_ctx)) -> MissionRead:
    found = service.send_mission(ctx, body.jurisdiction_id, body.purpose, body.leader_name, body.members)
    return MissionRead.model_validate(found)


@router.get("/missions/{mission_id}", response_model=MissionRead)
def get_mission(mission_id: int, ctx: Ctx = Depends(staff_ctx)) -> MissionRead:
    return MissionRead.model_validate(access_mission(ctx.session, ctx.actor, mission_id))


@router.post("/missions/{mission_id}/findings", response_model=DirectiveRead, status_code=201)
def add_finding(mission_id: int, body: FindingWrite, ctx: Ctx = Depends(staff_ctx)) -> DirectiveRead:
    """A work group's finding, sent to its district as a directive."""
    directive = service.add_finding(ctx, mission_id, body.title, body.body, as_aware(body.deadline))
    return directive_read(ctx, directive)
