"""JSON API of meetings, their decisions and directives, and urging."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends

from lianfang.assignments.rules import is_late
from lianfang.command import repository
from lianfang.command.access import access_directive
from lianfang.command.meetings import service
from lianfang.command.models import Directive
from lianfang.command.schemas import (
    DirectiveRead,
    DirectiveWrite,
    IdsResult,
    MeetingRead,
    MeetingWrite,
    TargetRead,
    UrgeWrite,
)
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


def as_aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=SHANGHAI) if moment is not None and moment.tzinfo is None else moment


def directive_read(ctx: Ctx, directive: Directive) -> DirectiveRead:
    read = DirectiveRead.model_validate(directive)
    pairs = repository.targets_of(ctx.session, [directive.id]).get(directive.id, [])
    read.targets = [
        TargetRead(
            target_type=t.target_type,
            label=t.label,
            jurisdiction_id=t.jurisdiction_id,
            body_id=t.body_id,
            assignment_id=a.id,
            state=a.state,
            late=is_late(a.state, a.deadline, ctx.now),
        )
        for t, a in pairs
    ]
    return read


@router.get("/meetings", response_model=list[MeetingRead])
def list_meetings(before: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> list[MeetingRead]:
    """Newest first, 50 at a time (pass the last id as `before`)."""
    ctx.actor.require("command.manage")
    return [MeetingRead.model_validate(m) for m in repository.meetings_page(ctx.session, before, 50)]


@router.post("/meetings", response_model=MeetingRead, status_code=201)
def create_meeting(body: MeetingWrite, ctx: Ctx = Depends(staff_ctx)) -> MeetingRead:
    found = service.create_meeting(
        ctx, body.title, body.number, as_aware(body.held_at), body.chair, body.summary
    )
    return MeetingRead.model_validate(found)


@router.post("/meetings/{meeting_id}/directives", response_model=DirectiveRead, status_code=201)
def add_decision(meeting_id: int, body: DirectiveWrite, ctx: Ctx = Depends(staff_ctx)) -> DirectiveRead:
    """A decision of the meeting, sent to its targets (one assignment each)."""
    from lianfang.command.access import access_meeting

    meeting = access_meeting(ctx.session, ctx.actor, meeting_id)
    directive = service.issue_directive(
        ctx,
        title=body.title,
        body=body.body,
        district_ids=body.district_ids,
        body_ids=body.body_ids,
        deadline=as_aware(body.deadline),
        meeting_id=meeting.id,
    )
    return directive_read(ctx, directive)


@router.post("/directives", response_model=DirectiveRead, status_code=201)
def create_directive(body: DirectiveWrite, ctx: Ctx = Depends(staff_ctx)) -> DirectiveRead:
    directive = service.issue_directive(
        ctx,
        title=body.title,
        body=body.body,
        district_ids=body.district_ids,
        body_ids=body.body_ids,
        deadline=as_aware(body.deadline),
    )
    return directive_read(ctx, directive)


@router.get("/directives/{directive_id}", response_model=DirectiveRead)
def get_directive(directive_id: int, ctx: Ctx = Depends(staff_ctx)) -> DirectiveRead:
    return directive_read(ctx, access_directive(ctx.session, ctx.actor, directive_id))


@router.post("/urge", response_model=IdsResult)
def urge(body: UrgeWrite, ctx: Ctx = Depends(staff_ctx)) -> IdsResult:
    """Urge (催办) a selection of open assignments: a note and a notification each; all or none."""
    return IdsResult(updated=service.urge(ctx, body.ids, body.text))
