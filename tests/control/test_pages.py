"""The control pages in both languages: the district confirms a proposal with one action, a community
worker records a daily report, draws and sites, the order letter, bulk documents, and the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.control.models import ControlOrder, ControlProposal, HealthReport
from lianfang.core.clock import local_date
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.tracing import make_scene


def test_district_confirms_a_proposal_on_its_page(ctx, client, new_client, session):
    scene = make_scene(ctx)
    from tests.factories.accounts import bearer

    bearer(new_client(), scene.investigator).post(
        "/api/tracing/cases",
        json={
            "person_id": scene.case_person.id,
            "onset_at": scene.onset.isoformat(),
            "classification": "confirmed",
        },
    )
    proposal = session.scalars(select(ControlProposal)).one()
    web = page_login(client, scene.district_command)
    listed = web.get("/control/proposals")
    assert listed.status_code == 200 and "封控关停建议" in listed.text
    page = web.get(f"/control/proposals/{proposal.id}")
    assert "欢唱KTV" in page.text and "确认：封控、关停并下达核酸检测" in page.text
    tests = web.get(f"/control/proposals/{proposal.id}/tests")
    assert "李同住" in tests.text
    token = csrf_of(web, f"/control/proposals/{proposal.id}")
    done = web.post(
        f"/control/proposals/{proposal.id}/confirm", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    again = web.post(f"/control/proposals/{proposal.id}/confirm", data={"csrf_token": token})
    assert again.status_code == 422 and "该建议已处理" in again.text
    zones = web.get("/control/zones")
    assert "高风险区" in zones.text or "封控区" in zones.text
    zone_id = session.scalars(select(ControlOrder.id)).first()  # none yet: zones are not orders
    assert zone_id is None
    english = web.get("/control/zones?lang=en")
    assert "Zones" in english.text


def test_community_worker_records_a_daily_report_on_the_order_page(ctx, client, new_client, session):
    scene = make_scene(ctx)
    web = page_login(client, scene.community_worker)
    day = (local_date(ctx.now) - timedelta(days=1)).isoformat()
    from tests.factories.accounts import bearer

    order = (
        bearer(new_client(), scene.community_worker)
        .post(
            "/api/control/orders",
            json={"person_id": scene.housemate.id, "person_class": "close", "last_exposure_on": day},
        )
        .json()
    )
    listed = web.get("/control")
    assert listed.status_code == 200 and "李同住" in listed.text and "管控人员" in listed.text
    page = web.get(f"/control/orders/{order['id']}")
    assert page.status_code == 200 and "每日健康报告" in page.text
    token = csrf_of(web, f"/control/orders/{order['id']}")
    bad = web.post(f"/control/orders/{order['id']}/report", data={"csrf_token": token, "temperature": "abc"})
    assert bad.status_code == 422 and "体温应在34-43℃之间" in bad.text
    ok = web.post(
        f"/control/orders/{order['id']}/report",
        data={"csrf_token": token, "temperature": "36.6"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert session.scalars(select(HealthReport)).one().temperature == 36.6
    delivered = web.post(
        f"/control/orders/{order['id']}/delivery",
        data={"csrf_token": token, "given_how": "document", "delivered": "true", "work_prohibited": "true"},
        follow_redirects=False,
    )
    assert delivered.status_code == 303
    bulk = web.post(
        "/control/bulk",
        data={"csrf_token": token, "ids": [order["id"]], "action": "documents"},
        follow_redirects=False,
    )
    assert bulk.status_code == 303 and bulk.headers["location"].startswith("/control/documents?ids=")
    letter = web.get(bulk.headers["location"])
    assert "集中隔离医学观察告知书" in letter.text and "Notice of centralised isolation" in letter.text
    refused = web.post("/control/bulk", data={"csrf_token": token, "ids": [order["id"]], "action": "release"})
    assert refused.status_code == 422
    assigned = web.post(
        "/control/bulk", data={"csrf_token": token, "ids": [order["id"]], "action": "assign", "team": "三组"}
    )
    assert assigned.status_code == 200 and "已处理管控令" in assigned.text
    for path in (
        "/control/follow-up",
        "/control/follow-up?tests=1",
        "/control/sites",
        "/control/zones",
        "/control/proposals",
    ):
        assert web.get(path).status_code == 200, path
    other = page_login(new_client(), make_user(ctx, "community_worker", scene.city["110108001001"]))
    assert other.get(f"/control/orders/{order['id']}").status_code == 404
    auditor = page_login(new_client(), make_user(ctx, "auditor", scene.city["110000"]))
    assert auditor.get("/control").status_code == 403


def test_zone_and_site_forms(ctx, client, session):
    scene = make_scene(ctx)
    web = page_login(client, scene.district_command)
    token = csrf_of(web, "/control/zones")
    community = scene.city["110105001001"]
    bad = web.post(
        "/control/zones", data={"csrf_token": token, "name": "", "level": "x", "community_id": community.id}
    )
    assert bad.status_code == 422
    made = web.post(
        "/control/zones",
        data={"csrf_token": token, "name": "建外第1社区", "level": "high", "community_id": community.id},
        follow_redirects=False,
    )
    assert made.status_code == 303
    zone = web.get(made.headers["location"])
    assert zone.status_code == 200 and "连续" in zone.text
    lift = web.post(made.headers["location"] + "/lift", data={"csrf_token": token})
    assert lift.status_code == 422
    round_bad = web.post(made.headers["location"] + "/round", data={"csrf_token": token, "on": "x"})
    assert round_bad.status_code == 422
    today = local_date(ctx.now).isoformat()
    assert (
        web.post(
            made.headers["location"] + "/round",
            data={"csrf_token": token, "on": today},
            follow_redirects=False,
        ).status_code
        == 303
    )
    site = web.post(
        "/control/sites",
        data={
            "csrf_token": token,
            "name": "隔离酒店",
            "jurisdiction_id": scene.city["110105"].id,
            "rooms": "101，102\n103",
        },
        follow_redirects=False,
    )
    assert site.status_code == 303
    assert "隔离酒店" in web.get("/control/sites").text
