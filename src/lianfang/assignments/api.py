"""JSON API for assignments (督办事项): lists, detail, issue, transitions, notes and evidence, bulk, board."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response

from lianfang.assignments import repository, rules, service
from lianfang.assignments.access import access_assignment, board_view, detail_view
from lianfang.assignments.models import Assignment, AssignmentEvidence, AssignmentNote
from lianfang.assignments.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentPage,
    AssignmentRead,
    BoardRead,
    BoardRowRead,
    BulkAction,
    BulkResult,
    EvidenceRead,
    NoteRead,
    ReassignBody,
    TransitionBody,
)
from lianfang.core import audit
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import read_upload, staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction

router = APIRouter(prefix="/api/assignments", tags=["assignments"])
# Served with their own type only when a browser cannot run them; anything else is a download.
SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def to_read(item: Assignment, now: datetime) -> AssignmentRead:
    read = AssignmentRead.model_validate(item)
    read.late = rules.is_late(item.state, item.deadline, now)
    return read


def evidence_url(assignment_id: int, evidence_id: int) -> str:
    return f"/api/assignments/{assignment_id}/evidence/{evidence_id}"


def _note_read(note: AssignmentNote, evidence: list[AssignmentEvidence]) -> NoteRead:
    read = NoteRead.model_validate(note)
    read.evidence = [
        EvidenceRead.model_validate(e).model_copy(update={"url": evidence_url(note.assignment_id, e.id)})
        for e in evidence
    ]
    return read


def evidence_file(file: UploadFile | None) -> service.EvidenceFile | None:
    if file is None or not file.filename:
        return None
    return service.EvidenceFile(file.filename, file.content_type or "", read_upload(file))


@router.get("", response_model=AssignmentPage)
def list_assignments(
    mine: bool = False,
    state: list[str] = Query(default=[]),
    late: bool = False,
    owner_jurisdiction_id: int | None = None,
    escalated: bool = Query(False, description="open items escalated to the caller's jurisdiction"),
    after: int | None = None,
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> AssignmentPage:
    """Items the caller may see, oldest first, one keyset page at a time (pass `next_after` as `after`)."""
    ctx.actor.require(service.READ)
    prefix = None
    if owner_jurisdiction_id is not None:
        prefix = access_jurisdiction(ctx.session, ctx.actor, owner_jurisdiction_id).path
    where = repository.ListFilter(
        mine=mine,
        states=tuple(s for s in state if s in rules.STATES),
        late=late,
        owner_prefix=prefix,
        escalated_to=ctx.actor.scope_path if escalated else None,
    )
    limit = max(1, min(limit, 500))
    rows = repository.page(ctx.session, ctx.actor, where, ctx.now, after, limit + 1)
    items = [to_read(a, ctx.now) for a in rows[:limit]]
    return AssignmentPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.post("", response_model=AssignmentRead, status_code=201)
def issue(body: AssignmentCreate, ctx: Ctx = Depends(staff_ctx)) -> AssignmentRead:
    deadline = body.deadline
    if deadline is not None and deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=SHANGHAI)
    item = service.issue_assignment(
        ctx,
        title=body.title,
        body=body.body,
        owner_jurisdiction_id=body.owner_jurisdiction_id,
        deadline=deadline,
        owner_user_id=body.owner_user_id,
        owner_group=body.owner_group,
        subject_type=body.subject_type,
        subject_id=body.subject_id,
        kind=body.kind,
    )
    return to_read(item, ctx.now)


@router.post("/bulk", response_model=BulkResult)
def bulk(body: BulkAction, ctx: Ctx = Depends(staff_ctx)) -> BulkResult:
    """Acknowledge or reassign a selection: all of it, or none with a problem per refused item."""
    if body.action == "acknowledge":
        items = service.bulk_acknowledge(ctx, body.ids)
    else:
        items = service.bulk_reassign(ctx, body.ids, body.owner_user_id)
    return BulkResult(updated=[a.id for a in items])


@router.get("/board", response_model=BoardRead)
def board(
    jurisdiction_id: int | None = None, after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> BoardRead:
    """Open / late / done counts per child jurisdiction, completion over the last 7 days, and the open
    items escalated to the jurisdiction (the caller's home by default)."""
    ctx.actor.require(service.READ)
    view = board_view(ctx.session, ctx.actor, jurisdiction_id, ctx.now, after, ctx.settings.page_size)
    rows = [
        BoardRowRead(
            jurisdiction_id=r.jurisdiction.id,
            name=r.jurisdiction.name,
            own=r.own,
            open=r.open,
            late=r.late,
            done=r.done,
            due=r.due,
            completed=r.completed,
            on_time=r.on_time,
            rate=r.rate,
        )
        for r in view.rows
    ]
    escalated = [to_read(a, ctx.now) for a in view.escalated]
    return BoardRead(
        jurisdiction_id=view.jurisdiction.id, since=view.since, rows=rows, escalated_to_me=escalated
    )


@router.get("/{assignment_id}", response_model=AssignmentDetail)
def get_assignment(assignment_id: int, ctx: Ctx = Depends(staff_ctx)) -> AssignmentDetail:
    ctx.actor.require(service.READ)
    view = detail_view(ctx.session, ctx.actor, assignment_id)
    notes = [_note_read(n, view.evidence.get(n.id, [])) for n in view.notes]
    base = to_read(view.item, ctx.now).model_dump()
    return AssignmentDetail(**base, notes=notes, actions=view.actions)


@router.post("/{assignment_id}/reassign", response_model=AssignmentRead)
def reassign(assignment_id: int, body: ReassignBody, ctx: Ctx = Depends(staff_ctx)) -> AssignmentRead:
    return to_read(service.reassign(ctx, assignment_id, body.owner_user_id), ctx.now)


@router.post("/{assignment_id}/notes", response_model=NoteRead, status_code=201)
def add_note(
    assignment_id: int,
    text: str = Form(""),
    file: UploadFile | None = File(None),
    ctx: Ctx = Depends(staff_ctx),
) -> NoteRead:
    """A progress note (form field `text`) with an optional evidence file (`file`, at most 10 MB)."""
    note = service.add_note(ctx, assignment_id, text, evidence_file(file))
    return _note_read(note, repository.evidence_of(ctx.session, [note.id]).get(note.id, []))


@router.get("/{assignment_id}/evidence/{evidence_id}")
def download_evidence(assignment_id: int, evidence_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """An evidence file, to those who may see its item; every download is audited."""
    ctx.actor.require(service.READ)
    item = access_assignment(ctx.session, ctx.actor, assignment_id)
    found = repository.evidence(ctx.session, item.id, evidence_id)
    if found is None:
        raise NotFound("附件", "evidence")
    audit.record(
        ctx, "assignment.evidence_read", "assignment", item.id, item.owner_path, evidence_id=found.id
    )
    media = found.content_type if found.content_type in SAFE_TYPES else "application/octet-stream"
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(found.data, media_type=media, headers=headers)


@router.post("/{assignment_id}/{verb}", response_model=AssignmentRead)
def transition(
    assignment_id: int, verb: str, body: TransitionBody | None = None, ctx: Ctx = Depends(staff_ctx)
) -> AssignmentRead:
    """`verb`: acknowledge, start, complete (note required), return (note = reason), cancel."""
    item = service.transition(ctx, assignment_id, verb, body.note if body else "")
    return to_read(item, ctx.now)
