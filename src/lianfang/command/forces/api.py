"""JSON API of forces and their moves."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.command import repository
from lianfang.command.access import READ
from lianfang.command.forces import service
from lianfang.command.schemas import (
    ForceMoveWrite,
    ForceRead,
    ForceWrite,
    IdsResult,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


@router.get("/forces", response_model=list[ForceRead])
def list_forces(
    kind: str | None = None, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> list[ForceRead]:
    ctx.actor.require(READ)
    rows = repository.forces_page(ctx.session, ctx.actor, kind, None, after, 200)
    return [ForceRead.model_validate(f) for f in rows]


@router.post("/forces", response_model=ForceRead, status_code=201)
def create_force(body: ForceWrite, ctx: Ctx = Depends(staff_ctx)) -> ForceRead:
    found = service.create_force(
        ctx,
        kind=body.kind,
        name=body.name,
        size=body.size,
        jurisdiction_id=body.jurisdiction_id,
        leader_name=body.leader_name,
    )
    return ForceRead.model_validate(found)


@router.post("/forces/move", response_model=IdsResult)
def move_forces(body: ForceMoveWrite, ctx: Ctx = Depends(staff_ctx)) -> IdsResult:
    """Reassign a selection of teams to a district; every move is recorded."""
    moved = service.move_forces(ctx, body.ids, body.to_jurisdiction_id, body.reason)
    return IdsResult(updated=[f.id for f in moved])
