"""Command pages end to end: the organisation and leaders, meeting → decision → directive with urging,
the board and the leader's page, work groups, incidents, forces, four-party responsibility, the walls."""

from __future__ import annotations

import re

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.command.board.refresh import refresh
from lianfang.command.incidents import service as incidents_service
from lianfang.command.meetings import service as meetings_service
from lianfang.command.models import CommandBody, Directive, Force, Incident, Mission, Responsibility
from lianfang.command.organisation import service as organisation
from tests.factories.accounts import csrf_of, page_login
from tests.factories.command import CommandCast
from tests.factories.units import make_unit
from tests.factories.venues import make_venue


def _post(client, url, data, token_page):
    return client.post(url, data={"csrf_token": csrf_of(client, token_page), **data}, follow_redirects=False)


def test_organisation_page_edits_bodies_and_leaders(ctx, client, session):
    cast = CommandCast(ctx)
    page_login(client, cast.office)
    html = client.get("/command").text
    assert "流调溯源组" in html and "市卫生健康委" in html and "朝阳区" in html
    made = _post(
        client,
        "/command/bodies/save",
        {"kind": "group", "code": "medical", "name": "医疗救治组", "duties": "救治与院感", "active": "1"},
        "/command/bodies/new",
    )
    assert made.status_code == 303
    body = session.scalars(select(CommandBody).where(CommandBody.code == "medical")).one()
    assert client.get(f"/command/bodies/{body.id}").status_code == 200
    bad = _post(
        client, "/command/bodies/save", {"kind": "group", "code": "", "name": ""}, "/command/bodies/new"
    )
    assert bad.status_code == 422 and "problems" in bad.text
    linked = _post(
        client,
        f"/command/leaders/{cast.chaoyang.id}",
        {"leader_name": "李副市长", "leader_title": "副市长", "username": cast.leader.username},
        "/command",
    )
    assert linked.status_code == 303 and "李副市长" in client.get("/command").text
    unknown = _post(
        client, f"/command/leaders/{cast.chaoyang.id}", {"leader_name": "x", "username": "nobody"}, "/command"
    )
    assert unknown.status_code == 422


def test_meeting_decision_directive_urge_and_board(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    organisation.set_leader(ctx, cast.chaoyang.id, "李副市长", "", cast.leader.username)
    page_login(client, cast.office)
    assert client.get("/command/meetings").status_code == 200
    made = _post(
        client,
        "/command/meetings",
        {"title": "领导小组第一百二十九次会议", "held_at": "2021-10-24T09:00"},
        "/command/meetings",
    )
    assert made.status_code == 303
    meeting_url = made.headers["location"]
    assert "24:00" in client.get(meeting_url).text or "00:00" in client.get(meeting_url).text
    decided = _post(
        client,
        f"{meeting_url}/directives",
        {
            "title": "加快跨区流调协查",
            "district_ids": [str(cast.chaoyang.id)],
            "body_ids": [str(cast.org["tracing"].id)],
        },
        meeting_url,
    )
    assert decided.status_code == 303
    directive = session.scalars(select(Directive)).one()
    assert "加快跨区流调协查" in client.get(meeting_url).text
    empty = _post(client, f"{meeting_url}/directives", {"title": "无对象"}, meeting_url)
    assert empty.status_code == 422
    page = client.get(f"/command/directives/{directive.id}").text
    ids = re.findall(r'name="ids" value="(\d+)"', page)
    assert len(ids) == 2
    urged = _post(
        client,
        f"/command/directives/{directive.id}/urge",
        {"ids": ids},
        f"/command/directives/{directive.id}",
    )
    assert urged.status_code == 303
    refresh(ctx)
    board = client.get("/command/board").text
    assert "朝阳区" in board and "流调溯源组" in board
    assert _post(client, "/command/board/refresh", {}, "/command/board").status_code == 303
    assert _post(client, "/command/board/urge", {}, "/command/board").status_code == 422

    leader = page_login(new_client(), cast.leader)
    assert "朝阳区" in leader.get("/command/leader").text
    district = page_login(new_client(), cast.chaoyang_command)
    assert district.get("/command/meetings").status_code == 403
    assert district.get(f"/command/directives/{directive.id}").status_code == 404
    own = district.get("/command/board").text
    assert "朝阳区" in own and "海淀区" not in own
    assert "No district is linked" in district.get("/command/leader?lang=en").text


def test_work_group_incident_and_forces_pages(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    page_login(client, cast.office)
    sent = _post(
        client,
        "/command/missions",
        {
            "jurisdiction_id": str(cast.chaoyang.id),
            "purpose": "加强防疫指导",
            "leader_name": "张组长",
            "members": "甲、乙",
        },
        "/command/missions",
    )
    assert sent.status_code == 303
    mission = session.scalars(select(Mission)).one()
    found = _post(
        client,
        f"/command/missions/{mission.id}/findings",
        {"title": "门岗查验不严"},
        sent.headers["location"],
    )
    assert found.status_code == 303 and "门岗查验不严" in client.get(sent.headers["location"]).text
    assert _post(client, f"/command/missions/{mission.id}/return", {}, "/command/missions").status_code == 303
    assert (
        _post(client, "/command/missions", {"jurisdiction_id": "0"}, "/command/missions").status_code == 422
    )

    district = page_login(new_client(), cast.chaoyang_command)
    reported = _post(
        district,
        "/command/incidents",
        {
            "jurisdiction_id": str(cast.chaoyang.id),
            "place": "某商场",
            "summary": "发现阳性",
            "interval_hours": "4",
        },
        "/command/incidents",
    )
    assert reported.status_code == 303
    incident = session.scalars(select(Incident)).one()
    assert "某商场" in client.get("/command/board").text  # the office sees it at once
    followed = _post(
        district,
        f"/command/incidents/{incident.id}/followups",
        {"text": "已排查"},
        reported.headers["location"],
    )
    assert followed.status_code == 303 and "已排查" in district.get(reported.headers["location"]).text
    assert (
        _post(
            district,
            f"/command/incidents/{incident.id}/followups",
            {"text": ""},
            reported.headers["location"],
        ).status_code
        == 422
    )
    assert (
        _post(
            district,
            "/command/incidents",
            {"jurisdiction_id": "0", "interval_hours": "x"},
            "/command/incidents",
        ).status_code
        == 422
    )
    assert (
        _post(client, f"/command/incidents/{incident.id}/close", {}, "/command/incidents").status_code == 303
    )
    session.expire_all()
    assert session.get(Incident, incident.id).state == "closed"

    made = _post(
        client,
        "/command/forces",
        {"kind": "sealing", "name": "封控一队", "size": "40", "jurisdiction_id": str(cast.haidian.id)},
        "/command/forces",
    )
    assert made.status_code == 303
    force = session.scalars(select(Force)).one()
    moved = _post(
        client,
        "/command/forces/move",
        {"ids": [str(force.id)], "to_jurisdiction_id": str(cast.chaoyang.id), "reason": "支援"},
        "/command/forces",
    )
    assert moved.status_code == 303
    assert "支援" in client.get(f"/command/forces/{force.id}").text
    assert "封控一队" in district.get("/command/forces?kind=sealing").text
    assert (
        _post(
            client, "/command/forces/move", {"to_jurisdiction_id": str(cast.chaoyang.id)}, "/command/forces"
        ).status_code
        == 422
    )
    assert _post(client, "/command/forces", {"kind": "x", "size": "0"}, "/command/forces").status_code == 422
    other = page_login(new_client(), cast.haidian_command)
    assert other.get(f"/command/incidents/{incident.id}").status_code == 404
    assert other.get(f"/command/forces/{force.id}").status_code == 404


def test_four_party_responsibility_on_units_and_venues(ctx, client, new_client, session):
    cast = CommandCast(ctx)
    community = cast.city["110105001001"]
    unit = make_unit(ctx, community, name="朝阳某公司")
    venue = make_venue(ctx, community, name="朝阳某超市")
    page_login(client, cast.chaoyang_command)
    assert "/command/responsibility/unit/" in client.get(f"/units/{unit.id}").text
    assert "/command/responsibility/venue/" in client.get(f"/venues/{venue.id}").text
    url = f"/command/responsibility/unit/{unit.id}"
    parties = {
        "territorial": "建外街道",
        "department": "区商务局",
        "unit_party": "公司法人",
        "individual": "全体员工",
    }
    assert _post(client, url, parties, url).status_code == 303
    assert "区商务局" in client.get(url).text
    assert _post(client, url, {**parties, "individual": ""}, url).status_code == 422
    vurl = f"/command/responsibility/venue/{venue.id}"
    assert _post(client, vurl, parties, vurl).status_code == 303
    assert len(list(session.scalars(select(Responsibility)))) == 2
    other = page_login(new_client(), cast.haidian_command)
    assert other.get(url).status_code == 404
    worker = page_login(new_client(), cast.street_worker)
    assert worker.get(url).status_code == 200  # registry readers see it
    assert _post(worker, url, parties, url).status_code == 403
    assert client.get("/command/responsibility/person/1").status_code == 404


def test_every_page_renders_in_english_too(ctx, client):
    cast = CommandCast(ctx)
    incident = incidents_service.report_incident(
        ctx, jurisdiction_id=cast.chaoyang.id, occurred_at=ctx.now, place="某地", summary="情况"
    )
    meetings_service.issue_directive(ctx, title="x", district_ids=[cast.chaoyang.id])
    page_login(client, cast.office)
    for url in (
        "/command",
        "/command/board",
        "/command/meetings",
        "/command/missions",
        "/command/incidents",
        "/command/forces",
        "/command/leader",
        f"/command/incidents/{incident.id}",
        "/command/bodies/new",
    ):
        response = client.get(f"{url}?lang=en")
        assert response.status_code == 200, url
    assert session_items(ctx) >= 2


def session_items(ctx):
    return len(list(ctx.session.scalars(select(Assignment.id))))


def test_the_demo_organisation_loads_once(ctx, client):
    from lianfang.accounts.access import staff_actor
    from lianfang.command.demo import seed_command
    from tests.factories.accounts import make_user
    from tests.factories.jurisdictions import make_city

    city = make_city(ctx)
    office_user = make_user(ctx, "city_command", city["110000"])
    district_user = make_user(ctx, "district_command", city["110105"])
    office = ctx.as_actor(staff_actor(ctx.session, office_user, None))
    district = ctx.as_actor(staff_actor(ctx.session, district_user, None))
    assert seed_command(ctx, office, district, office_user.username).startswith("command: 14 bodies")
    assert seed_command(ctx, office, district, office_user.username) == "command organisation already loaded"
    page_login(client, office_user)
    board = client.get("/command/board").text
    assert "朝阳区某大型超市" in board and "流调溯源组" in board
    assert "朝阳区" in client.get("/command/leader").text
