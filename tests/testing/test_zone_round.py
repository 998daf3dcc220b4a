"""A round ordered for the control module's zones: each zone's level sets its pooling mode in the round
(sealed: single tubes, controlled: 10-in-1, elsewhere: the default), a building zone covers only its
households, and the writer holds sealed-zone residents to single tubes."""

from __future__ import annotations

from lianfang.control.zones.service import ZoneInput, create_zone
from lianfang.people.models import Household
from tests.factories.accounts import bearer
from tests.factories.jurisdictions import make_city
from tests.factories.testing import TestingWorld, barcode


def test_command_orders_a_round_for_zones(ctx, client):
    world = TestingWorld(ctx, make_city(ctx))
    home = Household(
        code="B1-101",
        community_id=world.community.id,
        jurisdiction_path=world.community.path,
        created_at=ctx.now,
    )
    ctx.session.add(home)
    ctx.session.flush()
    world.people[0].household_id = home.id
    ctx.session.flush()
    sealed = create_zone(
        ctx, ZoneInput("建外2社区封控区", "sealed", "community", world.neighbour.id, edition="fgf")
    )
    building = create_zone(
        ctx,
        ZoneInput(
            "建外1社区1号楼",
            "controlled",
            "building",
            world.community.id,
            edition="fgf",
            places=[("household", home.id)],
        ),
    )
    boss = bearer(client, world.command)
    body = {
        "name": "封控区管控区核酸",
        "area_jurisdiction_id": world.district.id,
        "zone_ids": [sealed.id, building.id],
    }
    answer = boss.post("/api/control/testing-rounds", json=body)
    assert answer.status_code == 201, answer.text
    item = answer.json()
    assert item["default_mode"] == "pool20"
    areas = {a["zone_ref"]: a for a in boss.get(f"/api/testing/rounds/{item['id']}/areas").json()}
    assert areas[f"control_zone:{sealed.id}"]["mode"] == "single"
    assert areas[f"control_zone:{building.id}"]["mode"] == "pool10"
    assert areas[f"control_zone:{building.id}"]["households"] == [home.id]

    sampler = bearer(client, world.sampler)
    code = barcode()
    opened = sampler.post(
        "/api/testing/tubes", json={"barcode": code, "site_id": world.site.id, "round_id": item["id"]}
    )
    assert opened.json()["mode"] == "pool20"  # the site's community is not a community-wide zone
    url = f"/api/testing/tubes/{code}/samples"
    assert sampler.post(url, json={"people": [world.neighbours[0].pseudonym]}).status_code == 422
    assert sampler.post(url, json={"people": [world.people[0].pseudonym]}).status_code == 422  # 10-in-1 only
    assert sampler.post(url, json={"people": [world.people[1].pseudonym]}).status_code == 200
    far = bearer(client, world.far_sampler)
    assert far.post("/api/control/testing-rounds", json=body).status_code in (403, 404)
