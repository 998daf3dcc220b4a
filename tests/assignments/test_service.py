"""Service rules with no interface of their own: the public issue function other modules call, who
stands on which side, the evidence cap, and the home page counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from lianfang.accounts.access import staff_actor
from lianfang.assignments import rules, service
from lianfang.assignments.events import AssignmentIssued
from lianfang.assignments.models import AssignmentEvidence
from lianfang.assignments.repository import my_work_counts
from lianfang.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories.accounts import bearer, page_login
from tests.factories.assignments import Cast, as_user, make_assignment
from tests.factories.jurisdictions import make_city


def test_other_modules_issue_with_a_subject_and_hear_the_event(ctx, runtime):
    cast = Cast(ctx, make_city(ctx))
    heard: list[AssignmentIssued] = []
    runtime.bus.subscribe(AssignmentIssued, lambda _ctx, event: heard.append(event))
    item = service.issue_assignment(
        ctx,
        title="跨区协查：密接人员核查",
        body="请核查并反馈",
        owner_jurisdiction_id=cast.city["110108001001"].id,
        owner_group="tracing",
        subject_type="contact",
        subject_id="c-42",
        kind="tracing.check",
    )
    assert heard == [
        AssignmentIssued(
            item.id, "tracing.check", item.owner_jurisdiction_id, item.owner_path, None, "contact", "c-42"
        )
    ]
    assert item.issued_by_user_id is None and item.issuer_path == cast.city["110108001"].path
    with pytest.raises(Invalid) as caught:
        service.issue_assignment(
            ctx,
            title="x",
            body="",
            owner_jurisdiction_id=cast.community.id,
            subject_type="contact",
            kind="Bad Kind",
        )
    assert {p.field for p in caught.value.problems} == {"subject_type", "kind"}


def test_a_jurisdiction_owned_item_is_worked_by_its_staff(ctx):
    cast = Cast(ctx, make_city(ctx))
    item = make_assignment(ctx, cast.community, issuer=cast.district_command)
    service.transition(as_user(ctx, cast.colleague), item.id, "acknowledge")
    with pytest.raises(Forbidden):
        service.transition(as_user(ctx, cast.street_worker), item.id, "start")
    with pytest.raises(NotFound):
        service.transition(as_user(ctx, cast.other_worker), item.id, "start")
    service.transition(as_user(ctx, cast.worker), item.id, "start")
    # the city command supervises the district that issued it: it may return it
    service.transition(as_user(ctx, cast.city_command), item.id, "return", "请补充")
    assert item.state == "returned"


def test_evidence_cap_and_notes_on_cancelled_items(ctx, monkeypatch):
    cast = Cast(ctx, make_city(ctx))
    item = make_assignment(ctx, cast.community, issuer=cast.district_command)
    worker = as_user(ctx, cast.worker)
    monkeypatch.setattr(rules, "EVIDENCE_MAX_BYTES", 8)
    with pytest.raises(Invalid) as caught:
        service.add_note(worker, item.id, "", service.EvidenceFile("a.txt", "text/plain", b"123456789"))
    assert caught.value.problems[0].field == "file"
    with pytest.raises(Invalid):
        service.add_note(worker, item.id, "  ")
    note = service.add_note(worker, item.id, "", service.EvidenceFile('a"b/c.txt', "text/plain", b"12345678"))
    stored = ctx.session.scalar(select(AssignmentEvidence).where(AssignmentEvidence.note_id == note.id))
    assert stored is not None and stored.filename == "a_b_c.txt" and stored.size == 8
    service.transition(as_user(ctx, cast.district_command), item.id, "cancel")
    with pytest.raises(Forbidden):
        service.add_note(worker, item.id, "还能写吗")
    with pytest.raises(Conflict):
        service.reassign(as_user(ctx, cast.district_command), item.id, cast.worker.id)


def test_home_page_counts(ctx):
    cast = Cast(ctx, make_city(ctx))
    make_assignment(ctx, cast.community, issuer=cast.district_command)
    make_assignment(ctx, cast.community, issuer=cast.district_command, owner_user=cast.worker)
    make_assignment(ctx, cast.community, issuer=cast.district_command, owner_user=cast.colleague)
    actor = staff_actor(ctx.session, cast.worker, None)
    assert my_work_counts(ctx.session, actor, ctx.now) == (2, 0)
    late_now = rules.default_deadline(ctx.now)
    assert my_work_counts(ctx.session, actor, late_now) == (2, 2)


def test_home_page_shows_my_counts(ctx, client):
    cast = Cast(ctx, make_city(ctx))
    make_assignment(ctx, cast.community, issuer=cast.district_command)
    page_login(client, cast.worker)
    home = client.get("/")
    assert home.status_code == 200 and "<strong>1</strong>" in home.text


def test_scan_counts_what_it_changed_and_is_idempotent(ctx, client):
    cast = Cast(ctx, make_city(ctx))
    # An explicit deadline: the default (24:00 local) leaves no reminder window late in the day.
    deadline = ctx.now + timedelta(hours=8)
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, deadline=deadline)
    soon = replace(ctx, now=item.deadline - timedelta(hours=1))
    assert service.scan_deadlines(soon) == 1  # the reminder
    assert service.scan_deadlines(soon) == 0
    later = replace(ctx, now=item.deadline + timedelta(hours=4, minutes=1))
    assert service.scan_deadlines(later) == 1  # straight to level 2: one escalation, not two
    assert service.scan_deadlines(later) == 0
    assert (item.escalation_level, item.watch_path) == (2, cast.district.path)
    boss = bearer(client, cast.district_command)
    ctx.session.flush()
    escalated = boss.get("/api/assignments?escalated=true").json()["items"]
    assert [a["id"] for a in escalated] == [item.id]
