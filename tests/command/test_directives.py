"""Meetings, decisions and directives through the API: one assignment per target, due 24:00 the same day,
districts acknowledge and complete, the office urges, and the walls."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.assignments.models import Assignment, AssignmentNote
from lianfang.assignments.rules import default_deadline
from lianfang.command.models import Directive, DirectiveTarget
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer
from tests.factories.command import CommandCast


def _decision(office, meeting_id, cast, **extra):
    body = {
        "title": "全面排查近14天有额济纳旗旅居史人员",
        "body": "今日24时前报结果",
        "district_ids": [cast.chaoyang.id, cast.haidian.id],
        "body_ids": [cast.org["tracing"].id],
        **extra,
    }
    return office.post(f"/api/command/meetings/{meeting_id}/directives", json=body)


def test_meeting_decision_becomes_one_assignment_per_target(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    meeting = office.post(
        "/api/command/meetings", json={"title": "领导小组会议", "number": "第一百二十九次", "chair": "组长"}
    )
    assert meeting.status_code == 201, meeting.text
    made = _decision(office, meeting.json()["id"], cast)
    assert made.status_code == 201, made.text
    directive = made.json()
    assert [t["label"] for t in directive["targets"]] == ["朝阳区", "海淀区", "流调溯源组"]
    stored = session.get(Directive, directive["id"])
    assert stored.deadline == default_deadline(stored.issued_at)  # 不过夜: 24:00 Asia/Shanghai today
    items = [session.get(Assignment, t["assignment_id"]) for t in directive["targets"]]
    assert {i.kind for i in items} == {"command.directive"}
    assert [i.owner_jurisdiction_id for i in items] == [cast.chaoyang.id, cast.haidian.id, cast.root.id]
    assert items[2].owner_group == "tracing"
    assert {(i.subject_type, i.subject_id) for i in items} == {("command.directive", str(stored.id))}

    chaoyang = bearer(new_client(), cast.chaoyang_command)
    target = directive["targets"][0]["assignment_id"]
    assert chaoyang.post(f"/api/assignments/{target}/acknowledge").status_code == 200
    done = chaoyang.post(f"/api/assignments/{target}/complete", json={"note": "已排查312人"})
    assert done.status_code == 200, done.text
    states = [t["state"] for t in office.get(f"/api/command/directives/{stored.id}").json()["targets"]]
    assert states == ["done", "issued", "issued"]
    # Haidian cannot act on Chaoyang's item, nor see the directive page of the city.
    haidian = bearer(new_client(), cast.haidian_command)
    assert haidian.post(f"/api/assignments/{target}/start").status_code == 404
    assert haidian.get(f"/api/command/directives/{stored.id}").status_code == 404
    verbs = session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_type == "command_directive"))
    assert list(verbs) == ["command.directive"]


def test_a_directive_is_all_targets_or_none(ctx, client, session):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    meeting = office.post("/api/command/meetings", json={"title": "会议"}).json()
    before = session.scalar(select(Assignment.id).order_by(Assignment.id.desc()).limit(1))
    bad = _decision(office, meeting["id"], cast, body_ids=[999_999], deadline="2020-01-01T10:00:00")
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["error"]["problems"]}
    assert fields == {"body_ids", "deadline"}
    assert all(p["message"] and p["message_en"] for p in bad.json()["error"]["problems"])
    none = office.post(f"/api/command/meetings/{meeting['id']}/directives", json={"title": "空"})
    assert none.status_code == 422 and none.json()["error"]["problems"][0]["field"] == "targets"
    assert session.scalar(select(Assignment.id).order_by(Assignment.id.desc()).limit(1)) == before
    assert session.scalar(select(DirectiveTarget.id)) is None


def test_walls_for_meetings_and_directives(ctx, client, new_client):
    cast = CommandCast(ctx)
    district = bearer(client, cast.chaoyang_command)
    assert district.post("/api/command/meetings", json={"title": "区里开会"}).status_code == 403
    assert district.get("/api/command/meetings").status_code == 403
    direct = {"title": "x", "district_ids": [cast.haidian.id]}
    assert district.post("/api/command/directives", json=direct).status_code == 403
    worker = bearer(new_client(), cast.street_worker)
    assert worker.get("/api/command/board").status_code == 403
    assert worker.get("/api/command/bodies").status_code == 403
    auditor = bearer(new_client(), cast.auditor)
    assert auditor.get("/api/command/board").status_code == 403
    assert new_client().get("/api/command/board").status_code == 401


def test_the_office_urges_a_selection_of_open_targets(ctx, client, session):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    directive = office.post(
        "/api/command/directives",
        json={"title": "落实扫码登记", "district_ids": [cast.chaoyang.id, cast.haidian.id]},
    ).json()
    ids = [t["assignment_id"] for t in directive["targets"]]
    urged = office.post("/api/command/urge", json={"ids": ids, "text": "请今晚前办结"})
    assert urged.status_code == 200 and urged.json()["updated"] == ids
    notes = session.scalars(select(AssignmentNote.text).where(AssignmentNote.assignment_id == ids[0]))
    assert "催办：请今晚前办结" in list(notes)
    assert office.post("/api/command/urge", json={"ids": [*ids, 999_999]}).status_code == 422
    assert office.post("/api/command/urge", json={"ids": []}).status_code == 422
