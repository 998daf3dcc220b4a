"""Appeals (申诉, RULES.md §4.3: 如您对弹窗有异议，可咨询12345市民热线，通过线下救助渠道解决): the person, a
family member checking for them, or a 12345 hotline operator files one; it goes to the person's
community as an assignment with a deadline; the community worker clears the pop-up (a clearance, with
the reason) or keeps it (with the reason); the person sees the outcome on their page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.assignments.service import issue_assignment, transition
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, NotFound, Problem
from lianfang.healthcodes import rules
from lianfang.healthcodes.models import Appeal, Clearance
from lianfang.healthcodes.status import service
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.models import Person

DECIDE = "healthcodes.decide"
CHANNELS = {
    "self": ("本人", "self"),
    "family": ("代查家属", "family member"),
    "hotline": ("12345热线", "12345 hotline"),
}
STATES = {"open": ("待处理", "open"), "cleared": ("已解除", "cleared"), "kept": ("维持", "kept")}
STATEMENT_MAX = 1000


def appeal_problems(
    popup: str, statement: str, channel: str, shown: tuple[str, ...], colour: str
) -> list[Problem]:
    problems: list[Problem] = []
    if popup not in rules.APPEALABLE:
        problems.append(Problem("popup", "请选择要申诉的弹窗", "choose the pop-up you appeal"))
    elif popup == "c" and colour == "green":
        problems.append(
            Problem("popup", "当前为绿码，无需申诉颜色", "the code is green: there is no colour to appeal")
        )
    elif popup != "c" and popup not in shown:
        problems.append(Problem("popup", "当前没有该弹窗", "this pop-up is not showing now"))
    if channel not in CHANNELS:
        problems.append(Problem("channel", "申诉渠道无效", "unknown channel"))
    text = statement.strip()
    if not text:
        problems.append(Problem("statement", "请说明申诉理由", "say why you appeal"))
    elif len(text) > STATEMENT_MAX:
        problems.append(
            Problem("statement", "申诉理由不超过1000字", "keep the statement under 1,000 characters")
        )
    return problems


def file_appeal(ctx: Ctx, person: Person, popup: str, statement: str, channel: str) -> Appeal:
    """The caller has already checked that the actor may act for this person (own, family or hotline)."""
    derived = service.status_of(ctx, person.id)
    problems = appeal_problems(popup, statement, channel, derived.popups, derived.colour)
    open_one = ctx.session.scalar(
        select(Appeal.id).where(Appeal.person_id == person.id, Appeal.popup == popup, Appeal.state == "open")
    )
    if open_one is not None and not problems:
        raise DomainError("该弹窗已有申诉正在处理", "an appeal for this pop-up is already being handled", 409)
    if problems:
        raise Invalid(problems)
    appeal = Appeal(
        person_id=person.id,
        community_id=person.community_id,
        jurisdiction_path=person.jurisdiction_path,
        popup=popup,
        channel=channel,
        statement=statement.strip(),
        filed_by=ctx.actor.label[:120],
        created_at=ctx.now,
    )
    ctx.session.add(appeal)
    ctx.session.flush()
    mark = rules.POPUP_MARKS.get(popup, "颜色")
    item = issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"健康码申诉 {mark} 第{appeal.id}号 / Health-code appeal #{appeal.id}",
        body=f"请核实申诉人情况并作出处理（解除或维持，并说明理由）。申诉理由：{appeal.statement[:300]}",
        owner_jurisdiction_id=person.community_id,
        deadline=ctx.now + timedelta(hours=ctx.settings.appeal_deadline_hours),
        subject_type="health_appeal",
        subject_id=str(appeal.id),
        kind="healthcodes.appeal",
    )
    appeal.assignment_id = item.id
    audit.record(
        ctx,
        "healthcodes.appeal.file",
        "health_appeal",
        appeal.id,
        person.jurisdiction_path,
        person_id=person.id,
        popup=popup,
        channel=channel,
    )
    return appeal


def access_appeal(ctx: Ctx, appeal_id: int) -> Appeal:
    appeal = ctx.session.get(Appeal, appeal_id)
    if appeal is None or not ctx.actor.covers(appeal.jurisdiction_path):
        raise NotFound("申诉", "appeal")
    return appeal


def decide_appeal(ctx: Ctx, appeal_id: int, outcome: str, reason: str) -> Appeal:
    """clear (the pop-up, or the colour for "c", stops showing for the facts so far) or keep; a reason
    is required either way. The assignment is completed with the same text."""
    ctx.actor.require(DECIDE)
    appeal = access_appeal(ctx, appeal_id)
    problems: list[Problem] = []
    if appeal.state != "open":
        raise DomainError("该申诉已处理", "this appeal has been decided", 409)
    if outcome not in ("clear", "keep"):
        problems.append(Problem("outcome", "请选择解除或维持", "choose clear or keep"))
    if not reason.strip():
        problems.append(Problem("reason", "请说明处理理由", "give the reason"))
    if problems:
        raise Invalid(problems)
    appeal.state = "cleared" if outcome == "clear" else "kept"
    appeal.decision_reason = reason.strip()[:500]
    appeal.decided_by = ctx.actor.label[:120]
    appeal.decided_at = ctx.now
    if outcome == "clear":
        ctx.session.add(
            Clearance(
                person_id=appeal.person_id,
                popup=appeal.popup,
                cleared_at=ctx.now,
                reason=appeal.decision_reason,
                cleared_by=appeal.decided_by,
                appeal_id=appeal.id,
            )
        )
        ctx.session.flush()
    service.refresh(ctx, [appeal.person_id], f"appeal #{appeal.id} {appeal.state}")
    if appeal.assignment_id is not None:
        _complete(ctx, appeal)
    audit.record(
        ctx,
        f"healthcodes.appeal.{outcome}",
        "health_appeal",
        appeal.id,
        appeal.jurisdiction_path,
        person_id=appeal.person_id,
        popup=appeal.popup,
        reason=appeal.decision_reason,
    )
    return appeal


def _complete(ctx: Ctx, appeal: Appeal) -> None:
    assert appeal.assignment_id is not None
    system = ctx.as_actor(SYSTEM)
    verdict = "解除 / cleared" if appeal.state == "cleared" else "维持 / kept"
    item = ctx.session.get(Assignment, appeal.assignment_id)
    if item is None or item.state not in ("issued", "acknowledged", "in_progress"):
        return  # already closed by hand on the assignment's own page
    if item.state == "issued":
        transition(system, item.id, "acknowledge")
    transition(system, item.id, "complete", f"{verdict}: {appeal.decision_reason} ({ctx.actor.label})")


def appeals_of(ctx: Ctx, person_ids: list[int], limit: int = 20) -> list[Appeal]:
    if not person_ids:
        return []
    stmt = select(Appeal).where(Appeal.person_id.in_(person_ids)).order_by(Appeal.id.desc()).limit(limit)
    return list(ctx.session.scalars(stmt))


def appeals_page(ctx: Ctx, state: str, after: int | None, limit: int) -> list[Appeal]:
    stmt = select(Appeal).where(subtree_filter(ctx.actor, Appeal.jurisdiction_path))
    if state:
        stmt = stmt.where(Appeal.state == state)
    if after is not None:
        stmt = stmt.where(Appeal.id > after)
    return list(ctx.session.scalars(stmt.order_by(Appeal.id).limit(limit + 1)))
