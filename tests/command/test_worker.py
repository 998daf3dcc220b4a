"""The worker: directives and incident follow-ups escalate on time and after downtime, the linked city
leader is told, and the board's history catches up on the days the worker missed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.assignments.models import Assignment
from lianfang.command.incidents import service as incidents_service
from lianfang.command.meetings import service as meetings_service
from lianfang.command.models import BoardCount, BoardDay
from lianfang.command.organisation import service as organisation
from lianfang.command.tasks import REFRESH_SECONDS
from lianfang.core.clock import local_date
from lianfang.core.jobs import Job, tick
from tests.factories.accounts import bearer
from tests.factories.command import CommandCast

HOUR = timedelta(hours=1)


def _run(runtime, now):
    """One pass of a freshly started worker (every periodic task is due)."""
    return tick(runtime, {}, 1000.0, now=now)


def test_registered_every_minute(runtime):
    assert runtime.periodic["command.refresh_board"][0] == REFRESH_SECONDS == 60


def test_a_deadline_missed_while_the_worker_was_down_escalates_and_reaches_the_board(
    ctx, runtime, session, client
):
    cast = CommandCast(ctx)
    organisation.set_leader(ctx, cast.chaoyang.id, "联系市领导", "副市长", cast.leader.username)
    directive = meetings_service.issue_directive(
        ctx, title="封控小区物资保障", district_ids=[cast.chaoyang.id]
    )
    item_id = session.scalar(select(Assignment.id).where(Assignment.subject_id == str(directive.id)))
    session.commit()

    down_until = directive.deadline + 9 * HOUR  # the worker was off from before the deadline till now
    _run(runtime, down_until)
    session.expire_all()
    item = session.get(Assignment, item_id)
    assert (item.escalation_level, item.watch_path) == (1, cast.root.path)  # district → city
    late = session.scalars(
        select(BoardCount).where(BoardCount.key_type == "district", BoardCount.key == cast.chaoyang.path)
    ).one()
    assert (late.kind, late.open, late.late) == ("command.directive", 1, 1)
    leader_jobs = session.scalar(select(func.count()).where(Job.dedupe_key == f"assignment:{item_id}:leader"))
    assert leader_jobs == 1
    _run(runtime, down_until + HOUR)  # idempotent: nothing new for the leader
    assert session.scalar(select(func.count()).where(Job.dedupe_key == f"assignment:{item_id}:leader")) == 1

    # The late item is on the office's board and on the linked leader's page.
    office = bearer(client, cast.office)
    board = office.get("/api/command/board").json()
    row = next(r for r in board["districts"] if r["key"] == cast.chaoyang.path)
    assert (row["open"], row["late"]) == (1, 1)
    assert item_id in board["escalated_assignment_ids"]


def test_the_board_history_fills_the_days_the_worker_missed(ctx, runtime, session):
    cast = CommandCast(ctx)
    meetings_service.issue_directive(ctx, title="今日任务", district_ids=[cast.chaoyang.id, cast.haidian.id])
    session.commit()
    _run(runtime, ctx.now)
    first = set(session.scalars(select(BoardDay.day).where(BoardDay.key_type == "total")))
    later = ctx.now + timedelta(days=4)
    _run(runtime, later)
    days = set(session.scalars(select(BoardDay.day).where(BoardDay.key_type == "total")))
    today = local_date(later)
    assert {today - timedelta(days=n) for n in range(5)} <= days
    assert local_date(ctx.now) in first and local_date(ctx.now) in days
    due_day = session.scalars(
        select(BoardDay).where(
            BoardDay.day == local_date(ctx.now),
            BoardDay.key_type == "district",
            BoardDay.key == cast.chaoyang.path,
        )
    ).one()
    assert (due_day.due, due_day.completed, due_day.on_time) == (1, 0, 0)


def test_an_overdue_incident_follow_up_escalates_to_the_city(ctx, runtime, session):
    cast = CommandCast(ctx)
    incident = incidents_service.report_incident(
        ctx,
        jurisdiction_id=cast.chaoyang.id,
        occurred_at=ctx.now - HOUR,
        place="某小区",
        summary="发现1例核酸阳性",
        measures="已封控楼栋",
        interval_hours=2,
    )
    first = incident.followup_assignment_id
    session.commit()
    _run(runtime, ctx.now + 3 * HOUR)
    session.expire_all()
    item = session.get(Assignment, first)
    assert item.kind == "command.incident_followup" and item.escalation_level == 1
    assert item.watch_path == cast.root.path
