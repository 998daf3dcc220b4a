"""The worker's deadline scan, driven through core.jobs.tick with chosen clocks: reminders, escalation up
the tree, idempotence, and catching up after a restart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.assignments.events import AssignmentCompleted, AssignmentEscalated, AssignmentIssued
from lianfang.assignments.models import Assignment, AssignmentNote
from lianfang.assignments.service import transition
from lianfang.assignments.tasks import SCAN_SECONDS
from lianfang.core.audit import AuditEntry
from lianfang.core.jobs import Job, tick
from tests.factories.assignments import Cast, as_user, make_assignment
from tests.factories.jurisdictions import make_city

HOUR = timedelta(hours=1)


def _run(runtime, now):
    """One worker pass as if freshly started (no periodic task has run yet)."""
    return tick(runtime, {}, 1000.0, now=now)


def _notes(session, item_id, kind):
    return list(
        session.scalars(
            select(AssignmentNote).where(AssignmentNote.assignment_id == item_id, AssignmentNote.kind == kind)
        )
    )


def _audits(session, item_id, verb):
    return session.scalar(
        select(func.count()).where(
            AuditEntry.subject_type == "assignment",
            AuditEntry.subject_id == str(item_id),
            AuditEntry.verb == verb,
        )
    )


def test_registered_as_a_minute_scan_and_a_notify_handler(runtime):
    interval, _task = runtime.periodic["assignments.scan_deadlines"]
    assert interval == SCAN_SECONDS == 60
    assert "notify" in runtime.handlers


def test_reminder_then_escalation_up_the_tree(ctx, runtime, session):
    cast = Cast(ctx, make_city(ctx))
    escalated: list[AssignmentEscalated] = []
    runtime.bus.subscribe(AssignmentEscalated, lambda _ctx, event: escalated.append(event))
    deadline = ctx.now + 3 * HOUR  # remind 2 h before; climb every 4 h (settings defaults)
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    session.commit()

    _run(runtime, deadline - 2.5 * HOUR)
    session.expire_all()
    assert _notes(session, item.id, "reminder") == []

    _run(runtime, deadline - HOUR)
    _run(runtime, deadline - 0.5 * HOUR)
    session.expire_all()
    assert len(_notes(session, item.id, "reminder")) == 1  # not repeated
    assert session.get(Assignment, item.id).reminded_at == deadline - HOUR

    expected = [
        (deadline, 1, cast.street.path),
        (deadline + 4 * HOUR - timedelta(seconds=1), 1, cast.street.path),
        (deadline + 4 * HOUR, 2, cast.district.path),
        (deadline + 8 * HOUR, 3, cast.city["110000"].path),
        (deadline + 100 * HOUR, 3, cast.city["110000"].path),  # never past the root
    ]
    for now, level, watch in expected:
        _run(runtime, now)
        session.expire_all()
        stored = session.get(Assignment, item.id)
        assert (stored.escalation_level, stored.watch_path) == (level, watch), now
    assert [e.level for e in escalated] == [1, 2, 3]
    assert len(_notes(session, item.id, "escalation")) == 3
    assert _audits(session, item.id, "assignment.escalate") == 3
    assert _audits(session, item.id, "assignment.remind") == 1
    jobs = list(session.scalars(select(Job).where(Job.kind == "notify")))
    assert {j.status for j in jobs} == {"done"}
    assert sorted(j.payload["event"] for j in jobs) == ["escalation"] * 3 + ["issued", "reminder"]


def test_restart_catches_up_in_one_pass_and_a_second_pass_changes_nothing(ctx, runtime, session):
    cast = Cast(ctx, make_city(ctx))
    deadline = ctx.now + HOUR
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    session.commit()
    # No worker ran for 2 escalate intervals and a bit past the deadline.
    back = deadline + 8 * HOUR + timedelta(minutes=5)
    _run(runtime, back)
    session.expire_all()
    stored = session.get(Assignment, item.id)
    assert (stored.escalation_level, stored.watch_path) == (3, cast.city["110000"].path)
    assert stored.escalated_at == back and stored.next_escalation_at is None
    assert stored.reminded_at is None and _notes(session, item.id, "reminder") == []  # too late to remind
    before = (
        len(_notes(session, item.id, "escalation")),
        _audits(session, item.id, "assignment.escalate"),
        session.scalar(select(func.count()).select_from(Job)),
    )
    assert before[:2] == (1, 1)
    _run(runtime, back + timedelta(minutes=1))
    session.expire_all()
    after = (
        len(_notes(session, item.id, "escalation")),
        _audits(session, item.id, "assignment.escalate"),
        session.scalar(select(func.count()).select_from(Job)),
    )
    assert after == before


def test_partial_catch_up_lands_on_the_right_level(ctx, runtime, session):
    cast = Cast(ctx, make_city(ctx))
    deadline = ctx.now + HOUR
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    session.commit()
    _run(runtime, deadline + 5 * HOUR)  # one interval past the first step: level 2
    session.expire_all()
    stored = session.get(Assignment, item.id)
    assert (stored.escalation_level, stored.watch_path) == (2, cast.district.path)
    assert stored.next_escalation_at == deadline + 8 * HOUR


def test_closed_items_neither_remind_nor_escalate(ctx, runtime, session):
    cast = Cast(ctx, make_city(ctx))
    completed: list[AssignmentCompleted] = []
    issued: list[AssignmentIssued] = []
    runtime.bus.subscribe(AssignmentCompleted, lambda _ctx, event: completed.append(event))
    runtime.bus.subscribe(AssignmentIssued, lambda _ctx, event: issued.append(event))
    deadline = ctx.now + 3 * HOUR
    done = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    cancelled = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    as_worker = as_user(ctx, cast.worker)
    transition(as_worker, done.id, "acknowledge")
    transition(as_worker, done.id, "complete", "完成")
    transition(as_user(ctx, cast.district_command), cancelled.id, "cancel")
    session.commit()
    _run(runtime, deadline + 20 * HOUR)
    session.expire_all()
    for item in (done, cancelled):
        stored = session.get(Assignment, item.id)
        assert stored.escalation_level == 0 and stored.reminded_at is None
    assert [e.on_time for e in completed] == [True] and len(issued) == 2


def test_a_returned_late_item_escalates_again(ctx, runtime, session):
    cast = Cast(ctx, make_city(ctx))
    deadline = ctx.now + 3 * HOUR
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    as_worker = as_user(ctx, cast.worker)
    transition(as_worker, item.id, "acknowledge")
    transition(as_worker, item.id, "complete", "完成")
    session.commit()
    _run(runtime, deadline + HOUR)
    session.expire_all()
    assert session.get(Assignment, item.id).escalation_level == 0
    transition(as_user(ctx, cast.district_command), item.id, "return", "不合格")
    session.commit()
    _run(runtime, deadline + 2 * HOUR)
    session.expire_all()
    assert session.get(Assignment, item.id).escalation_level == 1
