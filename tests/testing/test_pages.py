"""Testing pages: the command's hub and progress with the door-knocking list, the sampling team's phone
pages, the lab's upload page; progress through the API."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.testing.models import Tube, TubeResult
from tests.factories.accounts import bearer, csrf_of, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.testing import TestingWorld, barcode


def test_command_orders_a_round_and_follows_progress(ctx, client, new_client):
    world = TestingWorld(ctx, make_city(ctx))
    boss = page_login(client, world.command)
    hub = boss.get("/testing")
    assert hub.status_code == 200 and "第1轮区域核酸" in hub.text
    token = csrf_of(boss, "/testing")
    made = boss.post(
        "/testing/rounds",
        data={
            "csrf_token": token,
            "name": "第2轮",
            "area_jurisdiction_id": world.district.id,
            "default_mode": "pool20",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    bad = boss.post(
        "/testing/rounds", data={"csrf_token": token, "name": "", "area_jurisdiction_id": world.district.id}
    )
    assert bad.status_code == 422
    assert (
        boss.post(
            "/testing/labs",
            data={
                "csrf_token": token,
                "name": "第三方实验室",
                "jurisdiction_id": world.district.id,
                "daily_capacity": 50,
            },
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert (
        boss.post(
            "/testing/sites",
            data={"csrf_token": token, "name": "朝外采样点", "jurisdiction_id": world.neighbour.id},
            follow_redirects=False,
        ).status_code
        == 303
    )

    sampler = bearer(new_client(), world.sampler)
    code = barcode()
    sampler.post(
        "/api/testing/tubes", json={"barcode": code, "site_id": world.site.id, "round_id": world.round.id}
    )
    sampler.post(
        f"/api/testing/tubes/{code}/samples", json={"people": [p.pseudonym for p in world.people[:4]]}
    )
    api = bearer(new_client(), world.command)
    progress = api.get(f"/api/testing/rounds/{world.round.id}/progress?refresh=true").json()
    assert progress["total"]["expected"] == 9 and progress["total"]["sampled"] == 4
    assert progress["total"]["tubes_open"] == 1
    street = progress["children"][0]
    assert street["name"] == "建外街道" and street["sampled"] == 4

    page = boss.get(f"/testing/rounds/{world.round.id}?jurisdiction_id={world.community.parent_id}")
    assert page.status_code == 200 and "建外街道第1社区" in page.text
    assert (
        boss.post(
            f"/testing/rounds/{world.round.id}/refresh", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    knock = api.get(
        f"/api/testing/rounds/{world.round.id}/unsampled?community_id={world.community.id}&limit=1"
    )
    first = knock.json()
    assert [p["person_id"] for p in first["items"]] == [world.people[4].id] and first["next_after"]
    rest = api.get(
        f"/api/testing/rounds/{world.round.id}/unsampled?community_id={world.community.id}&after={first['next_after']}"
    ).json()
    assert [p["person_id"] for p in rest["items"]] == [world.people[5].id]
    listing = boss.get(f"/testing/rounds/{world.round.id}/unsampled?community_id={world.community.id}")
    assert listing.status_code == 200 and world.people[5].id_masked in listing.text

    worker = bearer(new_client(), world.worker)  # a community worker follows the district's round
    mine = worker.get(f"/api/testing/rounds/{world.round.id}/progress").json()
    assert mine["total"]["path"] == world.community.path and mine["total"]["sampled"] == 4
    assert (
        worker.get(f"/api/testing/rounds/{world.round.id}/unsampled?community_id={world.far.id}").status_code
        == 404
    )
    far = bearer(new_client(), world.far_sampler)
    assert far.get(f"/api/testing/rounds/{world.round.id}").status_code == 404


def test_sampling_team_phone_pages_and_lab_page(ctx, client, new_client, session):
    world = TestingWorld(ctx, make_city(ctx))
    team = page_login(client, world.sampler)
    start = team.get("/testing/sample")
    assert start.status_code == 200 and world.site.name in start.text
    token = csrf_of(team, "/testing/sample")
    code = barcode()
    opened = team.post(
        "/testing/sample/tubes",
        data={"csrf_token": token, "site_id": world.site.id, "round_id": world.round.id, "barcode": code},
        follow_redirects=False,
    )
    assert opened.status_code == 303 and opened.headers["location"] == f"/testing/tubes/{code}"
    for person in world.people[:2]:
        added = team.post(
            f"/testing/tubes/{code}/samples", data={"csrf_token": token, "person": person.pseudonym}
        )
        assert added.status_code == 200 and "已添加" in added.text
    unknown = team.post(f"/testing/tubes/{code}/samples", data={"csrf_token": token, "person": "nobody"})
    assert unknown.status_code == 422
    closed = team.post(f"/testing/tubes/{code}/close", data={"csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    shipped = team.post(
        "/testing/sample/ship", data={"csrf_token": token, "site_id": world.site.id, "barcodes": [code]}
    )
    assert shipped.status_code == 200 and "已转运1管" in shipped.text
    tube = session.scalar(select(Tube).where(Tube.barcode == code))
    assert tube.status == "shipped"

    lab = page_login(new_client(), world.lab_user)
    page = lab.get("/testing/lab")
    assert page.status_code == 200 and "朝阳区疾控实验室" in page.text
    lab_token = csrf_of(lab, "/testing/lab")
    assert (
        lab.post(
            f"/testing/lab/shipments/{tube.shipment_id}/receive",
            data={"csrf_token": lab_token},
            follow_redirects=False,
        ).status_code
        == 303
    )
    upload = lab.post(
        "/testing/lab/results",
        data={"csrf_token": lab_token},
        files={"file": ("r.csv", f"barcode,result\n{code},阴性\nBAD,阴性\n".encode(), "text/csv")},
    )
    assert upload.status_code == 200 and "import-problems" in upload.text
    assert session.get(TubeResult, tube.id).result == "negative"
    assert lab.get(f"/testing/tubes/{code}").status_code == 200
    auditor = page_login(new_client(), world.auditor)
    assert auditor.get("/testing").status_code == 403
    assert auditor.get("/testing/lab").status_code == 403
