"""JSON API of the organisation: bodies, linked leaders, four-party responsibility."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.command import repository
from lianfang.command.access import READ
from lianfang.command.organisation import service as organisation
from lianfang.command.schemas import (
    BodyRead,
    BodyWrite,
    LeaderRead,
    LeaderWrite,
    ResponsibilityRead,
    ResponsibilityWrite,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


@router.get("/bodies", response_model=list[BodyRead])
def list_bodies(ctx: Ctx = Depends(staff_ctx)) -> list[BodyRead]:
    """The organisation: leadership group, office, working groups and member units with their duties."""
    ctx.actor.require(READ)
    return [BodyRead.model_validate(b) for b in repository.bodies(ctx.session)]


@router.post("/bodies", response_model=BodyRead, status_code=201)
def create_body(body: BodyWrite, ctx: Ctx = Depends(staff_ctx)) -> BodyRead:
    found = organisation.save_body(ctx, None, organisation.BodyInput(**body.model_dump()))
    return BodyRead.model_validate(found)


@router.put("/bodies/{body_id}", response_model=BodyRead)
def update_body(body_id: int, body: BodyWrite, ctx: Ctx = Depends(staff_ctx)) -> BodyRead:
    found = organisation.save_body(ctx, body_id, organisation.BodyInput(**body.model_dump()))
    return BodyRead.model_validate(found)


@router.put("/leaders/{jurisdiction_id}", response_model=LeaderRead | None)
def put_leader(jurisdiction_id: int, body: LeaderWrite, ctx: Ctx = Depends(staff_ctx)) -> LeaderRead | None:
    """Link a city leader to a district; an empty leader_name removes the link."""
    found = organisation.set_leader(ctx, jurisdiction_id, body.leader_name, body.leader_title, body.username)
    return LeaderRead.model_validate(found) if found else None


@router.get("/responsibility/{subject_type}/{subject_id}", response_model=ResponsibilityRead | None)
def get_responsibility(
    subject_type: str, subject_id: int, ctx: Ctx = Depends(staff_ctx)
) -> ResponsibilityRead | None:
    if not (ctx.actor.can(READ) or ctx.actor.can("registry.read")):
        ctx.actor.require(READ)
    subject = organisation.subject_of(ctx, subject_type, subject_id)
    found = repository.responsibility(ctx.session, subject_type, subject.id)
    return ResponsibilityRead.model_validate(found) if found else None


@router.put("/responsibility/{subject_type}/{subject_id}", response_model=ResponsibilityRead)
def put_responsibility(
    subject_type: str, subject_id: int, body: ResponsibilityWrite, ctx: Ctx = Depends(staff_ctx)
) -> ResponsibilityRead:
    found = organisation.set_responsibility(ctx, subject_type, subject_id, body.model_dump())
    return ResponsibilityRead.model_validate(found)
