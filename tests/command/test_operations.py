"""Incidents with follow-ups, forces with tracked reassignments, work groups and their findings."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.command.models import ForceMove
from tests.factories.accounts import bearer
from tests.factories.command import CommandCast


def test_a_district_reports_an_incident_and_the_office_sees_it_at_once(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    district = bearer(client, cast.chaoyang_command)
    report = {
        "jurisdiction_id": cast.chaoyang.id,
        "occurred_at": "2021-10-24T08:30:00",
        "place": "朝阳区某超市",
        "summary": "一名确诊病例曾到访",
        "measures": "场所已关闭，人员就地核酸",
        "interval_hours": 4,
    }
    made = district.post("/api/command/incidents", json=report)
    assert made.status_code == 201, made.text
    incident = made.json()
    assert incident["state"] == "open" and incident["followup_assignment_id"]
    office = bearer(new_client(), cast.office)
    board = office.get("/api/command/board").json()
    assert [i["id"] for i in board["open_incidents"]] == [incident["id"]]

    first = incident["followup_assignment_id"]
    followed = district.post(
        f"/api/command/incidents/{incident['id']}/followups", json={"text": "已排查密接23人"}
    )
    assert followed.status_code == 201, followed.text
    assert session.get(Assignment, first).state == "done"
    second = followed.json()["followup_assignment_id"]
    assert second != first and session.get(Assignment, second).state == "issued"
    final = district.post(
        f"/api/command/incidents/{incident['id']}/followups", json={"text": "处置完毕", "final": True}
    )
    assert final.json()["state"] == "closed" and final.json()["followups"] == 2
    assert session.get(Assignment, second).state == "done"
    again = district.post(f"/api/command/incidents/{incident['id']}/followups", json={"text": "再报"})
    assert again.status_code == 409

    haidian = bearer(new_client(), cast.haidian_command)
    assert haidian.get(f"/api/command/incidents/{incident['id']}").status_code == 404
    wrong = {**report, "jurisdiction_id": cast.chaoyang.id, "place": "", "interval_hours": 100}
    bad = haidian.post("/api/command/incidents", json=wrong)
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["error"]["problems"]} == {
        "jurisdiction_id",
        "place",
        "interval_hours",
    }


def test_the_city_reassigns_teams_and_the_moves_are_tracked(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    teams = [
        office.post(
            "/api/command/forces",
            json={"kind": kind, "name": f"海淀{kind}", "size": 30, "jurisdiction_id": cast.haidian.id},
        ).json()
        for kind in ("investigation", "sampling")
    ]
    ids = [t["id"] for t in teams]
    moved = office.post(
        "/api/command/forces/move",
        json={"ids": ids, "to_jurisdiction_id": cast.chaoyang.id, "reason": "支援朝阳"},
    )
    assert moved.status_code == 200 and moved.json()["updated"] == ids
    moves = list(session.scalars(select(ForceMove).where(ForceMove.force_id.in_(ids))))
    assert [(m.from_jurisdiction_id, m.to_jurisdiction_id) for m in moves] == [
        (cast.haidian.id, cast.chaoyang.id)
    ] * 2
    bad = office.post(
        "/api/command/forces/move", json={"ids": [*ids, 999_999], "to_jurisdiction_id": cast.haidian.id}
    )
    assert bad.status_code == 422
    assert len(list(session.scalars(select(ForceMove)))) == 2  # none of the selection moved

    chaoyang = bearer(new_client(), cast.chaoyang_command)
    assert [f["id"] for f in chaoyang.get("/api/command/forces").json()] == ids  # now working in Chaoyang
    move = {"ids": ids, "to_jurisdiction_id": cast.chaoyang.id}
    assert chaoyang.post("/api/command/forces/move", json=move).status_code == 403
    haidian = bearer(new_client(), cast.haidian_command)
    assert haidian.get("/api/command/forces").json() == []
    small = {"kind": "boats", "name": "", "size": 0, "jurisdiction_id": cast.chaoyang.id}
    bad_team = haidian.post("/api/command/forces", json=small)
    assert {p["field"] for p in bad_team.json()["error"]["problems"]} == {
        "kind",
        "name",
        "size",
        "jurisdiction_id",
    }


def test_a_work_group_finding_becomes_a_directive_for_its_district(ctx, client, session):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    mission = office.post(
        "/api/command/missions",
        json={"jurisdiction_id": cast.chaoyang.id, "purpose": "加强防疫指导和督办", "leader_name": "张组长"},
    )
    assert mission.status_code == 201, mission.text
    finding = office.post(
        f"/api/command/missions/{mission.json()['id']}/findings",
        json={"title": "小区门岗扫码查验不严", "body": "立行立改"},
    )
    assert finding.status_code == 201, finding.text
    target = finding.json()["targets"][0]
    assert (
        target["jurisdiction_id"] == cast.chaoyang.id and finding.json()["mission_id"] == mission.json()["id"]
    )
    assert session.get(Assignment, target["assignment_id"]).owner_path == cast.chaoyang.path


def test_organisation_and_leaders_are_editable_by_the_office_only(ctx, client, new_client):
    cast = CommandCast(ctx)
    office = bearer(client, cast.office)
    made = office.post(
        "/api/command/bodies",
        json={"kind": "group", "code": "testing", "name": "核酸检测组", "duties": "统筹采样检测力量"},
    )
    assert made.status_code == 201, made.text
    clash = office.post("/api/command/bodies", json={"kind": "group", "code": "testing", "name": "重复"})
    assert clash.status_code == 422 and clash.json()["error"]["problems"][0]["field"] == "code"
    edited = office.put(
        f"/api/command/bodies/{made.json()['id']}",
        json={"kind": "group", "code": "testing", "name": "核酸检测组", "duties": "新职责", "active": False},
    )
    assert edited.json()["duties"] == "新职责" and edited.json()["active"] is False
    leader = office.put(f"/api/command/leaders/{cast.haidian.id}", json={"leader_name": "王副市长"})
    assert leader.status_code == 200 and leader.json()["leader_name"] == "王副市长"
    district = bearer(new_client(), cast.chaoyang_command)
    assert district.get("/api/command/bodies").status_code == 200
    assert (
        district.post("/api/command/bodies", json={"kind": "group", "code": "x", "name": "x"}).status_code
        == 403
    )
    assert (
        district.put(f"/api/command/leaders/{cast.chaoyang.id}", json={"leader_name": "x"}).status_code == 403
    )
