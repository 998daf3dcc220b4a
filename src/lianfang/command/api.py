"""JSON API for command and supervision (/api/command/...)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Response

from lianfang.assignments.rules import is_late
from lianfang.command import operations, organisation, repository, service
from lianfang.command.access import READ, access_directive, access_incident, access_mission
from lianfang.command.board import BoardLine, board_view
from lianfang.command.models import Directive
from lianfang.command.schemas import (
    BoardLineRead,
    BoardRead,
    BodyRead,
    BodyWrite,
    DirectiveRead,
    DirectiveWrite,
    FindingWrite,
    FollowupWrite,
    ForceMoveWrite,
    ForceRead,
    ForceWrite,
    IdsResult,
    IncidentRead,
    IncidentWrite,
    LeaderRead,
    LeaderWrite,
    MeetingRead,
    MeetingWrite,
    MissionRead,
    MissionWrite,
    ResponsibilityRead,
    ResponsibilityWrite,
    TargetRead,
    UrgeWrite,
)
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


def _aware(moment: datetime | None) -> datetime | None:
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


@router.get("/meetings", response_model=list[MeetingRead])
def list_meetings(before: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> list[MeetingRead]:
    """Newest first, 50 at a time (pass the last id as `before`)."""
    ctx.actor.require("command.manage")
    return [MeetingRead.model_validate(m) for m in repository.meetings_page(ctx.session, before, 50)]


@router.post("/meetings", response_model=MeetingRead, status_code=201)
def create_meeting(body: MeetingWrite, ctx: Ctx = Depends(staff_ctx)) -> MeetingRead:
    found = service.create_meeting(
        ctx, body.title, body.number, _aware(body.held_at), body.chair, body.summary
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
        deadline=_aware(body.deadline),
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
        deadline=_aware(body.deadline),
    )
    return directive_read(ctx, directive)


@router.get("/directives/{directive_id}", response_model=DirectiveRead)
def get_directive(directive_id: int, ctx: Ctx = Depends(staff_ctx)) -> DirectiveRead:
    return directive_read(ctx, access_directive(ctx.session, ctx.actor, directive_id))


@router.post("/urge", response_model=IdsResult)
def urge(body: UrgeWrite, ctx: Ctx = Depends(staff_ctx)) -> IdsResult:
    """Urge (催办) a selection of open assignments: a note and a notification each; all or none."""
    return IdsResult(updated=service.urge(ctx, body.ids, body.text))


@router.get("/board", response_model=BoardRead)
def board(ctx: Ctx = Depends(staff_ctx)) -> BoardRead:
    """Per district and working group: open and late assignments of every kind, and per day the items
    due, completed and completed on time (pre-aggregated by the worker every minute)."""
    view = board_view(ctx)
    return BoardRead(
        refreshed_at=view.refreshed_at,
        districts=[_line(line) for line in view.districts],
        groups=[_line(line) for line in view.groups],
        open_incidents=[IncidentRead.model_validate(i) for i in view.incidents],
        escalated_assignment_ids=[a.id for a in view.escalated],
    )


def _line(line: BoardLine) -> BoardLineRead:
    return BoardLineRead(
        key_type=line.key_type,
        key=line.key,
        name=line.name,
        open=line.open,
        late=line.late,
        by_kind={kind: list(counts) for kind, counts in line.by_kind.items()},
        days=line.days,
        rate_today=line.rate,
        rate_window=line.window_rate,
    )


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
    directive = service.add_finding(ctx, mission_id, body.title, body.body, _aware(body.deadline))
    return directive_read(ctx, directive)


@router.post("/incidents", response_model=IncidentRead, status_code=201)
def report_incident(body: IncidentWrite, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    """Report an emergency at once (突发情况第一时间报告); a naive time is read as Asia/Shanghai."""
    occurred = _aware(body.occurred_at)
    assert occurred is not None
    found = operations.report_incident(
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
    operations.add_followup(ctx, incident_id, body.text, body.final)
    return IncidentRead.model_validate(access_incident(ctx.session, ctx.actor, incident_id))


@router.post("/incidents/{incident_id}/close", response_model=IncidentRead)
def close_incident(incident_id: int, ctx: Ctx = Depends(staff_ctx)) -> IncidentRead:
    return IncidentRead.model_validate(operations.close_incident(ctx, incident_id))


@router.get("/forces", response_model=list[ForceRead])
def list_forces(
    kind: str | None = None, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> list[ForceRead]:
    ctx.actor.require(READ)
    rows = repository.forces_page(ctx.session, ctx.actor, kind, None, after, 200)
    return [ForceRead.model_validate(f) for f in rows]


@router.post("/forces", response_model=ForceRead, status_code=201)
def create_force(body: ForceWrite, ctx: Ctx = Depends(staff_ctx)) -> ForceRead:
    found = operations.create_force(
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
    moved = operations.move_forces(ctx, body.ids, body.to_jurisdiction_id, body.reason)
    return IdsResult(updated=[f.id for f in moved])


@router.post("/board/refresh", status_code=204)
def refresh_board(ctx: Ctx = Depends(staff_ctx)) -> Response:
    from lianfang.command.board import refresh_now

    refresh_now(ctx)
    return Response(status_code=204)
