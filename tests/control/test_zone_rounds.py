"""A zone's all-negative round is read from the testing rounds (every registered resident sampled on or
after the zone was drawn, every result negative; the manual entry is the audited fallback), a residence
seal covers the case's whole building, and the pages: ordering a round for ticked zones and the round's
areas on the testing round page, with the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.control.models import ControlProposal, ControlZone, ControlZonePlace
from lianfang.control.zones.service import ZoneInput, create_zone
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.people.households.service import (
    building_code,
    buildings_from_addresses,
    create_building,
    place_households,
)
from lianfang.people.models import Household
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.control import result
from tests.factories.jurisdictions import make_city
from tests.factories.testing import TestingWorld
from tests.factories.tracing import make_scene


def _zone(ctx, world, days_ago: int = 20) -> ControlZone:
    start = local_date(ctx.now) - timedelta(days=days_ago)
    return create_zone(
        ctx, ZoneInput("建外2社区封控区", "sealed", "community", world.neighbour.id, start, edition="8th")
    )


def test_the_lift_check_reads_the_zone_round_from_testing(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    zone = _zone(ctx, world)
    boss = bearer(client, world.command)
    check = boss.get(f"/api/control/zones/{zone.id}/check").json()
    assert not check["met"] and check["round_on"] is None
    assert [r["sampled"] for r in check["rounds"]] == [0]  # the district's round covers it, nobody sampled
    ordered = boss.post(
        "/api/control/testing-rounds",
        json={"name": "封控区核酸", "area_jurisdiction_id": world.district.id, "zone_ids": [zone.id]},
    )
    assert ordered.status_code == 201, ordered.text
    round_id = ordered.json()["id"]
    for person in world.neighbours[:2]:
        result(ctx, person, "negative", ctx.now - timedelta(hours=2), round_id=round_id)
    check = boss.get(f"/api/control/zones/{zone.id}/check").json()
    read = next(r for r in check["rounds"] if r["round_id"] == round_id)
    assert (read["residents"], read["sampled"], read["negative"], read["all_negative"]) == (3, 2, 2, False)
    assert not check["met"] and any("2 days before lifting" in u["message_en"] for u in check["unmet"])
    result(ctx, world.neighbours[2], "negative", ctx.now - timedelta(hours=1), round_id=round_id)
    check = boss.get(f"/api/control/zones/{zone.id}/check").json()
    assert check["met"], check["unmet"]
    last_result_day = local_date(ctx.now - timedelta(hours=1))  # not today's date just after midnight
    assert check["round_on"] == last_result_day.isoformat() and check["round_entered_on"] is None
    lifted = boss.post(f"/api/control/zones/{zone.id}/lift", json={})
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.verb == "control.zone.lift")).one()
    assert entry.detail["round_id"] == round_id


def test_a_positive_or_a_sample_before_the_zone_does_not_count_and_the_manual_entry_stays(
    ctx, client, session
):
    world = TestingWorld(ctx, make_city(ctx))
    zone = _zone(ctx, world, days_ago=20)
    early = _zone(ctx, world, days_ago=0)  # drawn today: yesterday's samples are before it
    boss = bearer(client, world.command)
    body = {"name": "核酸", "area_jurisdiction_id": world.district.id, "zone_ids": [zone.id, early.id]}
    round_id = boss.post("/api/control/testing-rounds", json=body).json()["id"]
    yesterday = ctx.now - timedelta(days=1, hours=1)
    for person in world.neighbours:
        result(ctx, person, "negative", yesterday, round_id=round_id)
    result(ctx, world.neighbours[0], "positive", ctx.now, round_id=round_id)
    check = boss.get(f"/api/control/zones/{zone.id}/check").json()
    assert not check["met"] and check["rounds"][0]["positive"] == 1
    assert boss.get(f"/api/control/zones/{early.id}/check").json()["rounds"][0]["sampled"] <= 1
    day = local_date(ctx.now).isoformat()
    manual = boss.post(f"/api/control/zones/{zone.id}/round", json={"on": day, "note": "外区检测"})
    assert manual.status_code == 200
    check = boss.get(f"/api/control/zones/{zone.id}/check").json()
    assert check["round_entered_on"] == day and check["round_on"] == day
    entry = session.scalars(select(AuditEntry).where(AuditEntry.verb == "control.zone.round")).one()
    assert entry.detail["source"] == "manual" and entry.detail["note"] == "外区检测"


def test_a_residence_seal_covers_the_case_building(ctx, client, new_client, session):
    scene = make_scene(ctx)
    home = scene.city["110105001001"]
    assert building_code("建外1社区3号楼2单元501室") == "3号楼" and building_code("平房") is None
    building = create_building(ctx, home.id, "3号楼", "建外1社区3号楼")
    neighbours = Household(
        code="3-2-502", community_id=home.id, jurisdiction_path=home.path, created_at=ctx.now
    )
    session.add(neighbours)
    session.flush()
    scene.shopper.household_id = neighbours.id
    place_households(ctx, building.id, [neighbours.id, scene.case_person.household_id])
    session.flush()
    bearer(new_client(), scene.investigator).post(
        "/api/tracing/cases",
        json={
            "person_id": scene.case_person.id,
            "onset_at": scene.onset.isoformat(),
            "classification": "confirmed",
        },
    )
    proposal = session.scalars(select(ControlProposal)).one()
    seal = next(i for i in proposal.items if i["action"] == "seal")
    assert seal["type"] == "building" and {scene.housemate.id, scene.shopper.id} <= set(seal["people"])
    command = bearer(client, scene.district_command)
    assert command.post(f"/api/control/proposals/{proposal.id}/confirm").status_code == 200
    zone = session.scalars(
        select(ControlZone)
        .join(ControlZonePlace, ControlZonePlace.zone_id == ControlZone.id)
        .where(ControlZonePlace.place_type == "building")
    ).one()
    assert zone.level in ("high", "sealed")
    rows = session.execute(
        select(ControlZonePlace.place_type, ControlZonePlace.place_id).where(
            ControlZonePlace.zone_id == zone.id
        )
    )
    places = {(kind, pid) for kind, pid in rows}
    assert {("building", building.id), ("household", neighbours.id)} <= places
    bad = command.post(
        "/api/control/zones",
        json={
            "name": "x",
            "level": "high",
            "source": "building",
            "community_id": scene.city["110105001002"].id,
            "buildings": [building.id],
        },
    )
    assert bad.status_code == 422 and "building" in bad.text
    assert buildings_from_addresses(ctx, home.path) == 0  # no address names a building here


def test_order_a_round_for_ticked_zones_and_see_its_areas(ctx, client, new_client, session):
    world = TestingWorld(ctx, make_city(ctx))
    zone = _zone(ctx, world)
    web = page_login(client, world.command)
    page = web.get("/control/zones")
    assert page.status_code == 200 and "为所选区域组织核酸检测" in page.text
    token = csrf_of(web, "/control/zones")
    form = {"csrf_token": token, "name": "区域核酸", "area_jurisdiction_id": world.district.id}
    empty = web.post("/control/zones/testing-round", data=form)
    assert empty.status_code == 422 and "请勾选区域" in empty.text
    late = web.post("/control/zones/testing-round", data={**form, "ids": [zone.id], "deadline": "x"})
    assert late.status_code == 422 and "截止时间格式无效" in late.text
    done = web.post(
        "/control/zones/testing-round",
        data={**form, "ids": [zone.id], "sealed_mode": "household", "deadline": ""},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/testing/rounds/")
    shown = web.get(done.headers["location"])
    assert shown.status_code == 200 and "建外2社区封控区" in shown.text and "1户1管" in shown.text
    assert "封控区" in shown.text and "本轮的分区与区域" in shown.text
    detail = web.get(f"/control/zones/{zone.id}")
    assert (
        detail.status_code == 200 and "覆盖该区域的核酸检测轮次" in detail.text and "区域核酸" in detail.text
    )
    english = web.get(done.headers["location"] + "?lang=en")
    assert "Areas and zones of the round" in english.text and "one household per tube" in english.text
    assert "Testing rounds covering the zone" in web.get(f"/control/zones/{zone.id}?lang=en").text
    other = page_login(new_client(), make_user(ctx, "district_command", world.city["110108"]))
    token = csrf_of(other, "/control/zones")
    walled = other.post("/control/zones/testing-round", data={**form, "csrf_token": token, "ids": [zone.id]})
    assert walled.status_code == 404
    worker = page_login(new_client(), make_user(ctx, "community_worker", world.neighbour))
    assert "为所选区域组织核酸检测" not in worker.get("/control/zones").text
    token = csrf_of(worker, "/control/zones")
    refused = worker.post(
        "/control/zones/testing-round", data={**form, "csrf_token": token, "ids": [zone.id]}
    )
    assert refused.status_code == 403
