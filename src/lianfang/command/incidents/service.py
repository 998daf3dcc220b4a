"""Incidents (突发情况, R5) with follow-ups at fixed intervals. Each follow-up due is an assignment
(kind command.incident_followup) owned by the reporting district, so the assignments worker reminds
before it is due and escalates it to the city once it is overdue, and catches up after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lianfang.assignments.models import Assignment
from lianfang.assignments.service import issue_assignment, transition
from lianfang.command import rules
from lianfang.command.access import MANAGE, REPORT, access_incident, district_in_scope
from lianfang.command.events import IncidentReported
from lianfang.command.models import Incident, IncidentFollowup
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.core.jobs import enqueue

_CLOCK_SKEW = timedelta(minutes=10)


def raise_problems(problems: list[Problem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise Invalid(found)


def _issue_followup(ctx: Ctx, incident: Incident, number: int) -> None:
    due = rules.followup_deadline(ctx.now, incident.interval_hours)
    item = issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"突发情况第{number}次续报：{incident.place}"[:200],
        body=incident.summary[:2000],
        owner_jurisdiction_id=incident.jurisdiction_id,
        deadline=due,
        subject_type="command.incident",
        subject_id=str(incident.id),
        kind=rules.FOLLOWUP_KIND,
    )
    incident.followup_assignment_id, incident.next_followup_at = item.id, due


def _close_followup(ctx: Ctx, incident: Incident, text: str) -> None:
    """Complete the follow-up assignment that is due (as the system: the report itself is the work)."""
    item = (
        ctx.session.get(Assignment, incident.followup_assignment_id)
        if incident.followup_assignment_id
        else None
    )
    if item is None or item.state in ("done", "cancelled"):
        return
    system = ctx.as_actor(SYSTEM)
    if item.state == "issued":
        transition(system, item.id, "acknowledge")
    if item.state == "returned":
        transition(system, item.id, "start")
    transition(system, item.id, "complete", text[:4000] or "已续报")


def report_incident(
    ctx: Ctx,
    *,
    jurisdiction_id: int,
    occurred_at: datetime,
    place: str,
    summary: str,
    measures: str = "",
    interval_hours: float | None = None,
) -> Incident:
    """A district reports an emergency at once: time, place, what happened, first measures."""
    ctx.actor.require(REPORT)
    where = district_in_scope(ctx.session, ctx.actor, jurisdiction_id)
    place, summary, measures = place.strip(), summary.strip(), measures.strip()
    hours = interval_hours if interval_hours is not None else ctx.settings.command_followup_hours
    raise_problems(
        [
            None
            if where
            else Problem("jurisdiction_id", "辖区无效或不在管辖范围内", "not a jurisdiction in your scope"),
            Problem("occurred_at", "发生时间缺少时区", "the time has no time zone")
            if occurred_at.tzinfo is None
            else Problem("occurred_at", "发生时间不能晚于现在", "the time cannot be in the future")
            if occurred_at > ctx.now + _CLOCK_SKEW
            else None,
            rules.text_problem("place", place, 200, True, "地点", "the place"),
            rules.text_problem("summary", summary, 10_000, True, "情况", "what happened"),
            rules.text_problem("measures", measures, 10_000, False, "先期处置", "the first measures"),
            rules.interval_problem(hours),
        ]
    )
    assert where is not None
    incident = Incident(
        jurisdiction_id=where.id,
        jurisdiction_path=where.path,
        occurred_at=occurred_at.astimezone(UTC),
        place=place,
        summary=summary,
        measures=measures,
        interval_hours=hours,
        reported_at=ctx.now,
        reported_by_label=ctx.actor.label,
        state="open",
    )
    ctx.session.add(incident)
    ctx.session.flush()
    _issue_followup(ctx, incident, 1)
    audit.record(ctx, "command.incident_report", "command_incident", incident.id, where.path, place=place)
    payload = {
        "assignment_id": None,
        "event": "incident",
        "to_user_id": None,
        "to_path": where.path,
        "title": place,
    }
    enqueue(ctx, "notify", payload)
    ctx.publish(IncidentReported(incident.id, where.path))
    return incident


def add_followup(ctx: Ctx, incident_id: int, text: str, final: bool = False) -> IncidentFollowup:
    """A follow-up report (续报); `final` closes the incident (终报)."""
    ctx.actor.require(REPORT)
    incident = access_incident(ctx.session, ctx.actor, incident_id, for_update=True)
    if incident.state != "open":
        raise Conflict("该突发情况已结束", "the incident is closed")
    text = text.strip()
    raise_problems([rules.text_problem("text", text, 10_000, True, "续报内容", "the follow-up")])
    followup = IncidentFollowup(
        incident_id=incident.id, at=ctx.now, text=text, author_label=ctx.actor.label, final=final
    )
    ctx.session.add(followup)
    incident.followups += 1
    _close_followup(ctx, incident, text)
    if final:
        incident.state, incident.closed_at, incident.next_followup_at = "closed", ctx.now, None
    else:
        _issue_followup(ctx, incident, incident.followups + 1)
    ctx.session.flush()
    audit.record(
        ctx,
        "command.incident_followup",
        "command_incident",
        incident.id,
        incident.jurisdiction_path,
        final=final,
    )
    return followup


def close_incident(ctx: Ctx, incident_id: int) -> Incident:
    """The office closes an incident; the follow-up that was due is cancelled."""
    ctx.actor.require(MANAGE)
    incident = access_incident(ctx.session, ctx.actor, incident_id, for_update=True)
    if incident.state == "open":
        item = (
            ctx.session.get(Assignment, incident.followup_assignment_id)
            if incident.followup_assignment_id
            else None
        )
        if item is not None and item.state not in ("done", "cancelled"):
            transition(ctx.as_actor(SYSTEM), item.id, "cancel")
        incident.state, incident.closed_at, incident.next_followup_at = "closed", ctx.now, None
        audit.record(
            ctx, "command.incident_close", "command_incident", incident.id, incident.jurisdiction_path
        )
    return incident
