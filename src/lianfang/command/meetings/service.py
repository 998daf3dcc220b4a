"""Meetings, directives (one assignment per target) and urging (催办) late work. With the other
sub-features' services the only writers of the command tables; every change is audited; flushes,
never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from lianfang.assignments import rules as assignment_rules
from lianfang.assignments.access import access_assignment, owner_user_problem
from lianfang.assignments.service import issue_assignment
from lianfang.command import rules
from lianfang.command.access import MANAGE, district_in_scope
from lianfang.command.models import (
    CommandBody,
    Directive,
    DirectiveTarget,
    Meeting,
)
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, NotFound, Problem
from lianfang.core.jobs import enqueue
from lianfang.jurisdictions.models import Jurisdiction


def check(problems: list[Problem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise Invalid(found)


def home_of(ctx: Ctx) -> Jurisdiction:
    home = ctx.session.get(Jurisdiction, ctx.actor.jurisdiction_id) if ctx.actor.jurisdiction_id else None
    if home is None:
        home = ctx.session.scalar(select(Jurisdiction).where(Jurisdiction.parent_id.is_(None)).limit(1))
    if home is None:
        raise NotFound("辖区", "jurisdiction")
    return home


def create_meeting(
    ctx: Ctx,
    title: str,
    number: str = "",
    held_at: datetime | None = None,
    chair: str = "",
    summary: str = "",
) -> Meeting:
    ctx.actor.require(MANAGE)
    title, summary = title.strip(), summary.strip()
    check(
        [
            rules.text_problem("title", title, 200, True, "会议名称", "the title"),
            rules.text_problem("number", number.strip(), 40, False, "届次", "the number"),
            rules.text_problem("summary", summary, 20_000, False, "会议纪要", "the summary"),
            Problem("held_at", "会议时间缺少时区", "the time has no time zone")
            if held_at is not None and held_at.tzinfo is None
            else None,
        ]
    )
    meeting = Meeting(
        title=title,
        number=number.strip(),
        held_at=(held_at or ctx.now).astimezone(UTC),
        chair=chair.strip()[:120],
        summary=summary,
        created_by_label=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(meeting)
    ctx.session.flush()
    audit.record(ctx, "command.meeting", "command_meeting", meeting.id, ctx.actor.scope_path, title=title)
    return meeting


@dataclass(frozen=True)
class TargetSpec:
    target_type: str
    jurisdiction: Jurisdiction
    body: CommandBody | None
    label: str


def _targets(
    ctx: Ctx, district_ids: list[int], body_ids: list[int]
) -> tuple[list[TargetSpec], list[Problem]]:
    specs: list[TargetSpec] = []
    problems: list[Problem] = []
    for jid in dict.fromkeys(district_ids):
        place = district_in_scope(ctx.session, ctx.actor, jid)
        if place is None:
            problems.append(
                Problem(
                    "district_ids",
                    f"#{jid}：辖区无效或不在管辖范围内",
                    f"#{jid}: not a jurisdiction in your scope",
                )
            )
        else:
            specs.append(TargetSpec("district", place, None, place.name))
    for bid in dict.fromkeys(body_ids):
        body = ctx.session.get(CommandBody, bid)
        home = ctx.session.get(Jurisdiction, body.jurisdiction_id) if body is not None else None
        if (
            body is None
            or home is None
            or not body.active
            or body.kind == "leadership"
            or not ctx.actor.covers(home.path)
        ):
            problems.append(
                Problem(
                    "body_ids", f"#{bid}：工作组或成员单位无效", f"#{bid}: not an active group or member unit"
                )
            )
        else:
            specs.append(TargetSpec("body", home, body, body.name))
    if not specs and not problems:
        problems.append(Problem("targets", "请至少选择一个责任对象", "choose at least one target"))
    if len(specs) > rules.MAX_TARGETS:
        problems.append(
            Problem("targets", f"一次最多{rules.MAX_TARGETS}个对象", f"at most {rules.MAX_TARGETS} targets")
        )
    return specs, problems


def issue_directive(
    ctx: Ctx,
    *,
    title: str,
    body: str = "",
    district_ids: list[int] | None = None,
    body_ids: list[int] | None = None,
    deadline: datetime | None = None,
    meeting_id: int | None = None,
    mission_id: int | None = None,
) -> Directive:
    """A decision or finding sent to its targets: one assignment each (kind command.directive), due by
    `deadline` (24:00 Asia/Shanghai today by default, 不过夜). All targets or none."""
    ctx.actor.require(MANAGE)
    title, body = title.strip(), body.strip()
    deadline = deadline or assignment_rules.default_deadline(ctx.now)
    specs, problems = _targets(ctx, district_ids or [], body_ids or [])
    problems += [
        p
        for p in (
            rules.text_problem("title", title, 200, True, "决定事项", "the decision"),
            rules.text_problem("body", body, 10_000, False, "具体要求", "the text"),
            rules.deadline_problem(deadline, ctx.now),
            Problem("meeting_id", "会议不存在", "no such meeting")
            if meeting_id is not None and ctx.session.get(Meeting, meeting_id) is None
            else None,
        )
        if p
    ]
    if problems:
        raise Invalid(problems)
    directive = Directive(
        meeting_id=meeting_id,
        mission_id=mission_id,
        title=title,
        body=body,
        deadline=deadline.astimezone(UTC),
        issuer_path=ctx.actor.scope_path or home_of(ctx).path,
        issued_by_label=ctx.actor.label,
        issued_at=ctx.now,
    )
    ctx.session.add(directive)
    ctx.session.flush()
    for spec in specs:
        owner_user_id = spec.body.contact_user_id if spec.body else None
        if owner_user_id is not None and owner_user_problem(ctx.session, spec.jurisdiction, owner_user_id):
            owner_user_id = None
        item = issue_assignment(
            ctx,
            title=title,
            body=body,
            owner_jurisdiction_id=spec.jurisdiction.id,
            deadline=directive.deadline,
            owner_user_id=owner_user_id,
            owner_group=spec.body.code if spec.body else None,
            subject_type="command.directive",
            subject_id=str(directive.id),
            kind=rules.DIRECTIVE_KIND,
        )
        target = DirectiveTarget(
            directive_id=directive.id,
            target_type=spec.target_type,
            jurisdiction_id=spec.jurisdiction.id,
            body_id=spec.body.id if spec.body else None,
            label=spec.label,
            assignment_id=item.id,
        )
        ctx.session.add(target)
    ctx.session.flush()
    audit.record(
        ctx,
        "command.directive",
        "command_directive",
        directive.id,
        directive.issuer_path,
        title=title,
        targets=[s.label for s in specs],
        deadline=directive.deadline.isoformat(),
        meeting_id=meeting_id,
        mission_id=mission_id,
    )
    return directive


def urge(ctx: Ctx, assignment_ids: list[int], text: str) -> list[int]:
    """Urge a selection of open items: a note and a notification each; all of them or none."""
    ctx.actor.require(MANAGE)
    text = text.strip() or "请抓紧办理，按时办结。"
    unique = list(dict.fromkeys(assignment_ids))
    problems: list[Problem] = []
    if not unique:
        problems.append(Problem("ids", "请至少选择一项", "select at least one item"))
    if len(unique) > assignment_rules.BULK_MAX or len(text) > 1000:
        problems.append(Problem("ids", "选择过多或说明过长", "too many items or too long a note"))
    items = []
    for item_id in unique if not problems else []:
        try:
            item = access_assignment(ctx.session, ctx.actor, item_id, for_update=True)
        except DomainError:
            problems.append(Problem("ids", f"#{item_id}：未找到，或无权查看", f"#{item_id}: not found"))
            continue
        if not assignment_rules.is_open(item.state):
            problems.append(Problem("ids", f"#{item_id}：已办结或已撤销", f"#{item_id}: already closed"))
        items.append(item)
    if problems:
        raise Invalid(problems)
    from lianfang.assignments.service import add_note

    for item in items:
        add_note(ctx, item.id, f"催办：{text}")
        payload: dict[str, Any] = {
            "assignment_id": item.id,
            "event": "urge",
            "to_user_id": item.owner_user_id,
            "to_path": item.owner_path,
            "title": item.title,
        }
        enqueue(ctx, "notify", payload)
    return [i.id for i in items]
