"""Inspections (监督检查): the inspector fills the target's checklist; each failed item becomes a finding
with a rectification deadline (立行立改: 24:00 the same day by default) and a follow-up assignment to the
target's community; the unit answers with text and photos; a re-inspection verifies every open finding.
Validates everything before writing; audits every write; flushes, never commits."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lianfang.assignments.service import add_note, issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem
from lianfang.enforcement import repository, rules
from lianfang.enforcement.access import INSPECT, RESPOND, access_finding, access_inspection, covers
from lianfang.enforcement.events import FindingVerified, InspectionRecorded
from lianfang.enforcement.models import Attachment, Finding, Inspection
from lianfang.units.access import access_unit
from lianfang.venues.access import access_venue

RECTIFY_KIND = "enforcement.rectification"


@dataclass(frozen=True)
class FindingInput:
    item_code: str
    description: str
    deadline: datetime | None = None
    same_day: bool = False  # 立行立改: 24:00 today


@dataclass(frozen=True)
class InspectionInput:
    target_type: str  # unit | venue
    target_id: int
    results: Mapping[str, str]
    findings: Sequence[FindingInput] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True)
class Target:
    type: str
    id: int
    kind: str
    name: str
    unit_id: int | None
    community_id: int
    path: str
    closed_by_order: bool


def resolve_target(ctx: Ctx, target_type: str, target_id: int) -> Target:
    if target_type == "unit":
        unit = access_unit(ctx.session, ctx.actor, target_id)
        return Target(
            "unit", unit.id, unit.kind, unit.name, unit.id, unit.community_id, unit.jurisdiction_path, False
        )
    if target_type == "venue":
        venue = access_venue(ctx.session, ctx.actor, target_id)
        ordered = repository.active_order(ctx.session, venue.kind, venue.jurisdiction_path) is not None
        return Target(
            "venue",
            venue.id,
            venue.kind,
            venue.name,
            venue.unit_id,
            venue.community_id,
            venue.jurisdiction_path,
            ordered,
        )
    raise Invalid([Problem("target_type", "检查对象应为单位或场所", "the target is a unit or a venue")])


def _deadlines(ctx: Ctx, findings: Sequence[FindingInput]) -> tuple[list[datetime], list[Problem]]:
    deadlines, problems = [], []
    for row, f in enumerate(findings, start=1):
        deadline = rules.default_deadline(ctx.now) if f.same_day and f.deadline is None else f.deadline
        problem = rules.deadline_problem(deadline, ctx.now, row)
        if problem is not None:
            problems.append(problem)
        if not f.description.strip() or len(f.description) > 5000:
            problems.append(
                Problem("description", "请描述发现的问题（最多5000字）", "describe the finding (≤5000)", row)
            )
        deadlines.append(deadline or ctx.now)
    return deadlines, problems


def _write_findings(
    ctx: Ctx,
    inspection: Inspection,
    target: Target,
    findings: Sequence[FindingInput],
    deadlines: list[datetime],
) -> list[Finding]:
    written = []
    for f, deadline in zip(findings, deadlines, strict=True):
        finding = Finding(
            inspection_id=inspection.id,
            unit_id=target.unit_id,
            jurisdiction_path=target.path,
            item_code=f.item_code,
            description=f.description.strip(),
            deadline=deadline,
            state="open",
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(finding)
        ctx.session.flush()
        item = issue_assignment(
            ctx.as_actor(SYSTEM),
            title=f"整改：{target.name} {f.description.strip()}"[:200],
            body=(
                "监督检查发现问题，请于期限前整改并反馈。\n"
                f"Rectify the inspection finding by the deadline: {f.description.strip()}"
            ),
            owner_jurisdiction_id=target.community_id,
            deadline=deadline,
            subject_type="inspection_finding",
            subject_id=str(finding.id),
            kind=RECTIFY_KIND,
        )
        finding.assignment_id = item.id
        written.append(finding)
    return written


def _check(ctx: Ctx, target: Target, data: InspectionInput) -> tuple[str, list[datetime]]:
    checklist = rules.checklist_for(target.type, target.kind, target.closed_by_order)
    results = dict(data.results)
    problems = rules.results_problems(checklist, results)
    problems += rules.findings_problems(results, [f.item_code for f in data.findings])
    deadlines, more = _deadlines(ctx, data.findings)
    problems += more
    if len(data.note) > 5000:
        problems.append(Problem("note", "备注最多5000字", "the note has at most 5000 characters"))
    if problems:
        raise Invalid(problems)
    return checklist, deadlines


def _insert(
    ctx: Ctx, target: Target, data: InspectionInput, checklist: str, reinspection_of: int | None
) -> Inspection:
    inspection = Inspection(
        target_type=target.type,
        target_id=target.id,
        target_kind=target.kind,
        target_name=target.name,
        unit_id=target.unit_id,
        jurisdiction_path=target.path,
        checklist=checklist,
        checklist_edition=rules.EDITION,
        results=dict(data.results),
        note=data.note.strip(),
        state=rules.inspection_state(len(data.findings)),
        reinspection_of_id=reinspection_of,
        inspector_user_id=ctx.actor.user_id,
        inspector_label=ctx.actor.label,
        inspected_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(inspection)
    ctx.session.flush()
    return inspection


def record_inspection(ctx: Ctx, data: InspectionInput) -> tuple[Inspection, list[Finding]]:
    ctx.actor.require(INSPECT)
    target = resolve_target(ctx, data.target_type, data.target_id)
    checklist, deadlines = _check(ctx, target, data)
    inspection = _insert(ctx, target, data, checklist, None)
    findings = _write_findings(ctx, inspection, target, data.findings, deadlines)
    _audit_and_publish(ctx, inspection, findings)
    return inspection, findings


def _audit_and_publish(ctx: Ctx, inspection: Inspection, findings: list[Finding], **extra: object) -> None:
    audit.record(
        ctx,
        "enforcement.inspection.recorded",
        "inspection",
        inspection.id,
        inspection.jurisdiction_path,
        target=f"{inspection.target_type}:{inspection.target_id}",
        state=inspection.state,
        findings=[f.id for f in findings],
        **extra,
    )
    ctx.publish(
        InspectionRecorded(
            inspection.id,
            inspection.target_type,
            inspection.target_id,
            inspection.unit_id,
            inspection.state,
            len(findings),
            inspection.jurisdiction_path,
        )
    )


def reinspect(
    ctx: Ctx, inspection_id: int, verdicts: Mapping[int, bool], data: InspectionInput
) -> tuple[Inspection, list[Finding]]:
    """复查: a verdict (rectified or not) for every open finding of the earlier inspection, and the
    checklist again (new failures become new findings)."""
    ctx.actor.require(INSPECT)
    original = access_inspection(ctx.session, ctx.actor, inspection_id)
    target = resolve_target(ctx, original.target_type, original.target_id)
    pending = [
        f for f in repository.findings_of(ctx.session, original.id) if f.state in rules.OPEN_FINDING_STATES
    ]
    problems = []
    missing = [f.id for f in pending if f.id not in verdicts]
    if missing:
        problems.append(
            Problem("verdicts", "请对每个待整改问题给出复查结论", "give a verdict for every open finding")
        )
    stray = set(verdicts) - {f.id for f in pending}
    if stray:
        problems.append(
            Problem(
                "verdicts", "复查结论对应的问题不存在或已闭环", "a verdict names a finding that is not open"
            )
        )
    if problems:
        raise Invalid(problems)
    checklist, deadlines = _check(ctx, target, data)
    inspection = _insert(ctx, target, data, checklist, original.id)
    for finding in pending:
        rectified = verdicts[finding.id]
        finding.state = "rectified" if rectified else "not_rectified"
        finding.verified_at, finding.verified_by_inspection_id, finding.updated_at = (
            ctx.now,
            inspection.id,
            ctx.now,
        )
        if finding.assignment_id is not None:
            add_note(
                ctx.as_actor(SYSTEM),
                finding.assignment_id,
                "复查通过，整改完成 / re-inspection: rectified"
                if rectified
                else "复查未通过 / re-inspection: not rectified",
            )
        ctx.publish(FindingVerified(finding.id, original.id, rectified, ctx.now))
    if all(f.state == "rectified" for f in pending):
        original.state, original.updated_at = "closed", ctx.now
    findings = _write_findings(ctx, inspection, target, data.findings, deadlines)
    _audit_and_publish(
        ctx,
        inspection,
        findings,
        reinspection_of=original.id,
        verdicts={str(k): v for k, v in verdicts.items()},
    )
    return inspection, findings


def respond(ctx: Ctx, finding_id: int, text: str) -> Finding:
    """The unit's answer to a finding (what it fixed); photos are added with add_attachment."""
    ctx.actor.require(RESPOND)
    finding = access_finding(ctx.session, ctx.actor, finding_id)
    text = text.strip()
    if finding.state not in ("open", "not_rectified"):
        raise Conflict("该问题已反馈或已整改", "this finding is already answered or rectified")
    if not text or len(text) > 5000:
        raise Invalid(
            [Problem("response", "请填写整改情况（最多5000字）", "describe the rectification (≤5000)")]
        )
    before = {"state": finding.state, "response": finding.response}
    finding.state, finding.response = "responded", text
    finding.responded_at, finding.responded_by_label, finding.updated_at = ctx.now, ctx.actor.label, ctx.now
    if finding.assignment_id is not None:
        add_note(ctx.as_actor(SYSTEM), finding.assignment_id, f"单位反馈 / unit response: {text}"[:5000])
    audit.record(
        ctx,
        "enforcement.finding.responded",
        "inspection_finding",
        finding.id,
        finding.jurisdiction_path,
        before=before,
        after={"state": finding.state, "response": text},
    )
    return finding


def add_attachment(
    ctx: Ctx, subject_type: str, subject_id: int, filename: str, content_type: str, content: bytes
) -> tuple[Attachment, bool]:
    """A photo of a finding (inspector), of a response (the unit) or evidence of a violation; the same
    file twice is stored once (idempotent on its SHA-256)."""
    from lianfang.enforcement.access import DECIDE, access_violation

    if subject_type == "finding":
        ctx.actor.require(INSPECT)
        path = access_finding(ctx.session, ctx.actor, subject_id).jurisdiction_path
    elif subject_type == "response":
        ctx.actor.require(RESPOND)
        path = access_finding(ctx.session, ctx.actor, subject_id).jurisdiction_path
    elif subject_type == "violation":
        if not (ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE)):
            ctx.actor.require(INSPECT)
        path = access_violation(ctx.session, ctx.actor, subject_id).jurisdiction_path
    else:
        raise NotFound("附件对象", "attachment subject")
    content_type = (content_type or "").split(";")[0].strip().lower()
    problems = rules.attachment_problems(content, content_type)
    if problems:
        raise Invalid(problems)
    digest = hashlib.sha256(content).hexdigest()
    existing = repository.attachment_by_hash(ctx.session, subject_type, subject_id, digest)
    if existing is not None:
        return existing, False
    safe = "".join("_" if c in '\\/"\x00' or ord(c) < 32 else c for c in filename).strip()[-200:] or "file"
    row = Attachment(
        subject_type=subject_type,
        subject_id=subject_id,
        filename=safe,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        data=content,
        added_by_label=ctx.actor.label,
        added_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx, "enforcement.attachment.added", subject_type, subject_id, path, sha256=digest, size=len(content)
    )
    return row, True


def attachment_for_download(ctx: Ctx, attachment_id: int) -> Attachment:
    row = ctx.session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("附件", "attachment")
    if row.subject_type == "violation":
        from lianfang.enforcement.access import access_violation

        access_violation(ctx.session, ctx.actor, row.subject_id)
    else:
        access_finding(ctx.session, ctx.actor, row.subject_id)
    return row


def can_see(ctx: Ctx, inspection: Inspection) -> bool:
    return covers(ctx.session, ctx.actor, inspection.jurisdiction_path, inspection.unit_id)
