"""Assignment use cases: issue, move through the states, notes with evidence, reassign, bulk actions,
and the worker's reminders and escalations (tasks.scan_deadlines finds the due items). The only writer
of assignment tables; every write leaves an audit row; flushes, never commits. Notifications leave
through the `notify` outbox job."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lianfang.accounts.models import User
from lianfang.assignments import repository, rules
from lianfang.assignments.access import (
    access_assignment,
    can_note,
    can_reassign,
    can_see,
    owner_user_problem,
    sides_of,
)
from lianfang.assignments.events import AssignmentCompleted, AssignmentEscalated, AssignmentIssued
from lianfang.assignments.models import Assignment, AssignmentEvidence, AssignmentNote
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Problem
from lianfang.core.jobs import enqueue
from lianfang.jurisdictions.models import Jurisdiction

READ, WORK, ISSUE = "assignments.read", "assignments.work", "assignments.issue"
_SCAN_BATCH = 500


@dataclass(frozen=True)
class EvidenceFile:
    filename: str
    content_type: str
    content: bytes


def _audit(ctx: Ctx, item: Assignment, verb: str, **detail: Any) -> None:
    audit.record(ctx, f"assignment.{verb}", "assignment", item.id, item.owner_path, **detail)


def _notify(ctx: Ctx, item: Assignment, event: str, dedupe: str | None = None) -> None:
    payload = {
        "assignment_id": item.id,
        "event": event,
        "to_user_id": item.owner_user_id,
        "to_path": item.watch_path if event == "escalation" else item.owner_path,
        "title": item.title,
    }
    enqueue(ctx, "notify", payload, dedupe_key=f"assignment:{item.id}:{dedupe}" if dedupe else None)


def _note(
    ctx: Ctx, item: Assignment, kind: str, text: str = "", state_from: str | None = None
) -> AssignmentNote:
    note = AssignmentNote(
        assignment_id=item.id,
        at=ctx.now,
        author_label=ctx.actor.label,
        author_user_id=ctx.actor.user_id,
        kind=kind,
        text=text,
        state_from=state_from,
        state_to=item.state if state_from is not None or kind == "state" else None,
    )
    ctx.session.add(note)
    ctx.session.flush()
    return note


def _attach(ctx: Ctx, note: AssignmentNote, evidence: EvidenceFile | None) -> AssignmentEvidence | None:
    if evidence is None:
        return None
    row = AssignmentEvidence(
        note_id=note.id,
        filename=rules.safe_filename(evidence.filename),
        content_type=(evidence.content_type or "application/octet-stream")[:100],
        size=len(evidence.content),
        sha256=hashlib.sha256(evidence.content).hexdigest(),
        data=evidence.content,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def issue_assignment(
    ctx: Ctx,
    *,
    title: str,
    body: str,
    owner_jurisdiction_id: int,
    deadline: datetime | None = None,
    owner_user_id: int | None = None,
    owner_group: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    kind: str = "task",
) -> Assignment:
    """Issue an item to a jurisdiction in the actor's scope (optionally to a person in it or a working
    group); the deadline defaults to 24:00 today (不过夜). Modules issuing on the system's behalf pass a
    context whose actor is SYSTEM."""
    ctx.actor.require(ISSUE)
    found = ctx.session.get(Jurisdiction, owner_jurisdiction_id)
    owner = found if found is not None and ctx.actor.covers(found.path) else None
    title, body = title.strip(), body.strip()
    deadline = deadline or rules.default_deadline(ctx.now)
    group = (owner_group or "").strip() or None
    subject = ((subject_type or "").strip() or None, (subject_id or "").strip() or None)
    problems = rules.issue_problems(ctx.now, title, body, deadline, kind, group, *subject)
    if owner is None or not owner.active:
        problems.insert(
            0,
            Problem(
                "owner_jurisdiction_id",
                "责任辖区不存在、已停用或不在您的管辖范围内",
                "the owner jurisdiction does not exist, is inactive or is outside your scope",
            ),
        )
    elif owner_user_id is not None:
        problem = owner_user_problem(ctx.session, owner, owner_user_id)
        problems += [problem] if problem else []
    if problems:
        raise Invalid(problems)
    assert owner is not None
    deadline = deadline.astimezone(UTC)
    hours = ctx.settings.assignment_escalate_hours
    staff_scope = ctx.actor.scope_path if ctx.actor.kind == "staff" else None
    item = Assignment(
        kind=kind,
        title=title,
        body=body,
        subject_type=subject[0],
        subject_id=subject[1],
        owner_jurisdiction_id=owner.id,
        owner_path=owner.path,
        owner_user_id=owner_user_id,
        owner_group=group,
        issued_by_user_id=ctx.actor.user_id,
        issued_by_label=ctx.actor.label,
        issuer_path=staff_scope or rules.parent_path(owner.path),
        issued_at=ctx.now,
        deadline=deadline,
        remind_at=rules.remind_time(deadline, ctx.now, ctx.settings.assignment_remind_hours),
        state="issued",
        escalation_level=0,
        watch_path=owner.path,
        next_escalation_at=rules.next_escalation_at(deadline, 0, owner.path, hours),
        updated_at=ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    _note(ctx, item, "state")
    _audit(
        ctx,
        item,
        "issue",
        title=title,
        kind=kind,
        owner_user_id=owner_user_id,
        owner_group=group,
        deadline=deadline.isoformat(),
        subject=f"{subject[0]}:{subject[1]}" if subject[0] else None,
    )
    _notify(ctx, item, "issued")
    ctx.publish(AssignmentIssued(item.id, kind, owner.id, owner.path, owner_user_id, subject[0], subject[1]))
    return item


def _check_transition(ctx: Ctx, item: Assignment, verb: str, text: str) -> DomainError | None:
    """Why `verb` may not happen now (403 wrong side, 409 wrong state, 422 missing text), or None."""
    rule = rules.TRANSITIONS[verb]
    if rule.side not in sides_of(ctx.actor, item):
        return Forbidden(
            "只有责任方可以办理此事项" if rule.side == "owner" else "只有交办方可以退回或撤销",
            "only the owner may do this" if rule.side == "owner" else "only the issuing side may do this",
        )
    if rules.transition_target(verb, item.state) is None:
        zh_state, en_state = rules.STATE_NAMES[item.state]
        zh_verb, en_verb = rules.VERB_NAMES[verb]
        return Conflict(
            f"事项当前为“{zh_state}”，不能{zh_verb}", f"an item that is {en_state.lower()} cannot: {en_verb}"
        )
    if rule.needs_text and not text:
        zh, en = (
            ("请填写办结情况", "describe what was done")
            if verb == "complete"
            else ("请填写理由", "give a reason")
        )
        return Invalid([Problem("note", zh, en)])
    if len(text) > rules.NOTE_MAX:
        return Invalid([Problem("note", "说明最多5000字", "the note has at most 5000 characters")])
    return None


def _apply_transition(
    ctx: Ctx, item: Assignment, verb: str, text: str, evidence: EvidenceFile | None = None
) -> None:
    before = item.state
    item.state = rules.TRANSITIONS[verb].target
    item.updated_at = ctx.now
    if item.state == "done":
        item.done_at = ctx.now
    elif verb == "return":
        item.done_at = None
    note = _note(ctx, item, "state", text, before)
    attached = _attach(ctx, note, evidence)
    sha256 = attached.sha256 if attached else None
    _audit(
        ctx, item, verb, before={"state": before}, after={"state": item.state}, note=text[:500], sha256=sha256
    )
    if verb == "complete":
        on_time = ctx.now <= item.deadline
        ctx.publish(
            AssignmentCompleted(
                item.id, item.kind, item.owner_path, item.subject_type, item.subject_id, on_time
            )
        )
    elif verb in ("return", "cancel"):
        _notify(ctx, item, verb)


def transition(
    ctx: Ctx, assignment_id: int, verb: str, text: str = "", evidence: EvidenceFile | None = None
) -> Assignment:
    """acknowledge | start | complete (note required) | return (reason required) | cancel."""
    if verb not in rules.TRANSITIONS:
        raise NotFound("操作", "action")
    ctx.actor.require(WORK if rules.TRANSITIONS[verb].side == "owner" else ISSUE)
    item = access_assignment(ctx.session, ctx.actor, assignment_id, for_update=True)
    text = text.strip()
    error = _check_transition(ctx, item, verb, text)
    problems = rules.evidence_problems(evidence.content) if evidence else []
    if error is None and problems:
        error = Invalid(problems)
    if error is not None:
        raise error
    _apply_transition(ctx, item, verb, text, evidence)
    return item


def add_note(ctx: Ctx, assignment_id: int, text: str, evidence: EvidenceFile | None = None) -> AssignmentNote:
    """A progress note, optionally with one evidence file (stored with its SHA-256)."""
    ctx.actor.require(WORK)
    item = access_assignment(ctx.session, ctx.actor, assignment_id)
    if not can_note(ctx.actor, item):
        raise Forbidden("已撤销的事项不能再添加记录", "a cancelled item takes no more notes")
    text = text.strip()
    problems = rules.evidence_problems(evidence.content) if evidence else []
    if not text and evidence is None:
        problems.append(Problem("text", "请填写进展或上传附件", "write a note or attach a file"))
    if len(text) > rules.NOTE_MAX:
        problems.append(Problem("text", "记录最多5000字", "a note has at most 5000 characters"))
    if problems:
        raise Invalid(problems)
    note = _note(ctx, item, "note", text)
    attached = _attach(ctx, note, evidence)
    item.updated_at = ctx.now
    sha256, name = (attached.sha256, attached.filename) if attached else (None, None)
    _audit(ctx, item, "note", note_id=note.id, sha256=sha256, filename=name)
    return note


def _check_reassign(ctx: Ctx, item: Assignment, owner_user_id: int | None) -> DomainError | None:
    if not can_reassign(ctx.actor, item):
        if not rules.is_open(item.state):
            return Conflict("已办结或已撤销的事项不能转派", "a closed item cannot be reassigned")
        return Forbidden("无权转派此事项", "you may not reassign this item")
    if owner_user_id is None:
        return None
    owner = ctx.session.get(Jurisdiction, item.owner_jurisdiction_id)
    assert owner is not None
    problem = owner_user_problem(ctx.session, owner, owner_user_id)
    return Invalid([problem]) if problem else None


def _apply_reassign(ctx: Ctx, item: Assignment, owner_user_id: int | None) -> None:
    before = item.owner_user_id
    item.owner_user_id = owner_user_id
    item.updated_at = ctx.now
    user = ctx.session.get(User, owner_user_id) if owner_user_id is not None else None
    _note(ctx, item, "reassign", f"{user.display_name} ({user.username})" if user else "")
    _audit(ctx, item, "reassign", before={"owner_user_id": before}, after={"owner_user_id": owner_user_id})
    _notify(ctx, item, "reassigned")


def reassign(ctx: Ctx, assignment_id: int, owner_user_id: int | None) -> Assignment:
    """Give an open item to a person in its owner jurisdiction (None: back to the jurisdiction)."""
    ctx.actor.require(WORK)
    item = access_assignment(ctx.session, ctx.actor, assignment_id, for_update=True)
    error = _check_reassign(ctx, item, owner_user_id)
    if error is not None:
        raise error
    _apply_reassign(ctx, item, owner_user_id)
    return item


def _selection(ctx: Ctx, ids: list[int]) -> tuple[list[Assignment], list[Problem]]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        return [], [Problem("ids", "请至少选择一项", "select at least one item")]
    if len(unique) > rules.BULK_MAX:
        return [], [Problem("ids", f"一次最多{rules.BULK_MAX}项", f"at most {rules.BULK_MAX} items at once")]
    found = repository.by_ids(ctx.session, unique)
    problems = [
        Problem("ids", f"#{i}：未找到，或无权查看", f"#{i}: not found or not in your jurisdiction")
        for i in unique
        if i not in found or not can_see(ctx.actor, found[i])
    ]
    return [found[i] for i in unique if i in found], problems


def _as_problem(item: Assignment, error: DomainError) -> list[Problem]:
    parts = error.problems or [Problem("ids", error.zh, error.en)]
    return [Problem("ids", f"#{item.id}：{p.zh}", f"#{item.id}: {p.en}") for p in parts]


def bulk_acknowledge(ctx: Ctx, ids: list[int]) -> list[Assignment]:
    """Acknowledge every selected item, or none: any item that cannot be acknowledged is reported."""
    ctx.actor.require(WORK)
    items, problems = _selection(ctx, ids)
    for item in items if not problems else []:
        error = _check_transition(ctx, item, "acknowledge", "")
        problems += _as_problem(item, error) if error else []
    if problems:
        raise Invalid(problems)
    for item in items:
        _apply_transition(ctx, item, "acknowledge", "")
    return items


def bulk_reassign(ctx: Ctx, ids: list[int], owner_user_id: int | None) -> list[Assignment]:
    """Reassign every selected item to one person, or none."""
    ctx.actor.require(WORK)
    items, problems = _selection(ctx, ids)
    for item in items if not problems else []:
        error = _check_reassign(ctx, item, owner_user_id)
        problems += _as_problem(item, error) if error else []
    if problems:
        raise Invalid(problems)
    for item in items:
        _apply_reassign(ctx, item, owner_user_id)
    return items


def remind(ctx: Ctx, item: Assignment) -> None:
    """The worker's reminder before the deadline: once per item (reminded_at)."""
    item.reminded_at = ctx.now
    _note(ctx, item, "reminder")
    _audit(ctx, item, "remind", deadline=item.deadline.isoformat())
    _notify(ctx, item, "reminder", dedupe="reminder")


def escalate(ctx: Ctx, item: Assignment) -> bool:
    """Bring a late item to its computed escalation target; True when it climbed. Never lowers the level
    (a changed setting does not take an item away from those already watching it)."""
    hours = ctx.settings.assignment_escalate_hours
    level, watch_path = rules.escalation_target(ctx.now, item.deadline, item.owner_path, hours)
    climbed = level > item.escalation_level
    if climbed:
        before = {"level": item.escalation_level, "watch_path": item.watch_path}
        item.escalation_level, item.watch_path, item.escalated_at = level, watch_path, ctx.now
        if item.reminded_at is None:
            item.remind_at = None  # late now: escalation replaces the reminder
        watcher = repository.jurisdictions_by_paths(ctx.session, [watch_path]).get(watch_path)
        _note(ctx, item, "escalation", watcher.name if watcher else watch_path)
        _audit(ctx, item, "escalate", before=before, after={"level": level, "watch_path": watch_path})
        _notify(ctx, item, "escalation", dedupe=f"escalation:{level}")
        ctx.publish(AssignmentEscalated(item.id, item.kind, item.owner_path, level, watch_path))
    item.next_escalation_at = rules.next_escalation_at(
        item.deadline, item.escalation_level, item.owner_path, hours
    )
    return climbed


def scan_deadlines(ctx: Ctx) -> int:
    """The worker's periodic scan: send due reminders and bring every due late item to its computed
    escalation level. State-based: it reads what is due at `ctx.now` from the rows (remind_at and
    reminded_at, next_escalation_at), so a second run changes nothing and a worker that was down
    catches up in one pass however many steps it missed. Returns reminders sent + items escalated."""
    changed, after = 0, 0
    while batch := repository.due_reminders(ctx.session, ctx.now, after, _SCAN_BATCH):
        for item in batch:
            remind(ctx, item)
        changed, after = changed + len(batch), batch[-1].id
    after = 0
    while batch := repository.due_escalations(ctx.session, ctx.now, after, _SCAN_BATCH):
        changed += sum(escalate(ctx, item) for item in batch)
        after = batch[-1].id
    ctx.session.flush()
    return changed
