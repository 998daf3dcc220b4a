"""CSV/Excel exports of the command lists (meetings, work groups, incidents, forces): the page's filter
and scope (another district's rows are absent), one audit row per export, refused without read."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, page_login
from tests.factories.command import CommandCast
from tests.factories.exports import csv_rows


def _audited(session, verb):
    return session.scalars(select(AuditEntry).where(AuditEntry.verb == verb)).all()


def _arrange(cast, new_client):
    office = bearer(new_client(), cast.office)
    assert office.post("/api/command/meetings", json={"title": "领导小组会议"}).status_code == 201
    for district, purpose in ((cast.chaoyang, "朝阳督导"), (cast.haidian, "海淀督导")):
        mission = {"jurisdiction_id": district.id, "purpose": purpose, "leader_name": "张组长"}
        assert office.post("/api/command/missions", json=mission).status_code == 201
    for user, district, place in (
        (cast.chaoyang_command, cast.chaoyang, "朝阳区某超市"),
        (cast.haidian_command, cast.haidian, "海淀区某商场"),
    ):
        api = bearer(new_client(), user)
        incident = {"jurisdiction_id": district.id, "place": place, "summary": "确诊病例到访"}
        incident |= {"occurred_at": "2021-10-24T08:30:00", "interval_hours": 4}
        assert api.post("/api/command/incidents", json=incident).status_code == 201
        for kind, name in (("sampling", f"{place}采样队"), ("sealing", f"{place}封控队")):
            force = {"kind": kind, "name": name, "size": 10, "jurisdiction_id": district.id}
            assert api.post("/api/command/forces", json=force).status_code == 201


def test_command_list_exports(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    _arrange(cast, new_client)
    web = page_login(client, cast.chaoyang_command)
    for page in ("missions", "incidents"):
        assert f"/command/{page}/export?format=csv" in web.get(f"/command/{page}").text
    assert "/command/forces/export?" in web.get("/command/forces").text
    missions = csv_rows(web.get("/command/missions/export?format=csv"))
    assert [(r["district"], r["purpose"]) for r in missions] == [(cast.chaoyang.name, "朝阳督导")]
    incidents = csv_rows(web.get("/command/incidents/export?format=csv"))
    assert [r["place"] for r in incidents] == ["朝阳区某超市"]
    forces = csv_rows(web.get("/command/forces/export?format=csv&kind=sampling"))
    assert [r["team"] for r in forces] == ["朝阳区某超市采样队"]
    assert len(csv_rows(web.get("/command/forces/export?format=csv"))) == 2
    book = load_workbook(io.BytesIO(web.get("/command/incidents/export?format=xlsx").content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][4] == "place" and len(table) == 2
    entries = _audited(session, "command.force.export")
    assert len(entries) == 2 and {e.detail["rows"] for e in entries} == {1, 2}
    assert {e.detail.get("kind") for e in entries} == {"sampling", None}
    assert len(_audited(session, "command.incident.export")) == 2
    assert web.get("/command/meetings/export?format=csv").status_code == 403  # meetings: the city office

    office = page_login(new_client(), cast.office)
    assert "/command/meetings/export?format=csv" in office.get("/command/meetings").text
    assert [r["meeting"] for r in csv_rows(office.get("/command/meetings/export?format=csv"))] == [
        "领导小组会议"
    ]
    assert len(csv_rows(office.get("/command/missions/export?format=csv"))) == 2
    assert len(_audited(session, "command.meeting.export")) == 1

    auditor = page_login(new_client(), cast.auditor)
    for page in ("meetings", "missions", "incidents", "forces"):
        assert auditor.get(f"/command/{page}/export?format=csv").status_code == 403
