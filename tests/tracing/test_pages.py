"""The investigation pages: list and open a case, the timeline, propose, decide in bulk and by row, add
by hand, interview entries, clusters with their SVG chain, the metric page, a letter; and the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.clock import to_local
from lianfang.people.models import Person
from lianfang.tracing.models import TracingCase, TracingContact, TracingRequest
from tests.factories.accounts import csrf_of, page_login
from tests.factories.people import valid_id_number
from tests.factories.tracing import make_scene


def _local(moment):
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def _number_of(ctx, person):
    from lianfang.core.crypto import vault

    return vault(ctx.settings).open(ctx.session.get(Person, person.id).id_sealed)


def test_investigation_journey(ctx, client, session):
    scene = make_scene(ctx)
    page_login(client, scene.investigator)
    listing = client.get("/tracing")
    assert listing.status_code == 200 and 'name="id_number"' in listing.text
    token = csrf_of(client, "/tracing")
    bad = client.post(
        "/tracing/cases",
        data={"csrf_token": token, "id_number": valid_id_number(), "onset_at": _local(scene.onset)},
    )
    assert bad.status_code == 422
    made = client.post(
        "/tracing/cases",
        data={
            "csrf_token": token,
            "id_number": _number_of(ctx, scene.case_person),
            "onset_at": _local(scene.onset),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    case = session.scalar(select(TracingCase))
    page = client.get(url)
    assert page.status_code == 200 and "欢唱KTV" in page.text and "三年级2班" in page.text

    token = csrf_of(client, url)
    client.post(f"{url}/propose", data={"csrf_token": token})
    page = client.get(url)
    assert "RULES §1.2 (1)" in page.text and 'name="ids"' in page.text
    general = client.get(url, params={"category": "general", "status": "proposed"})
    assert "钱*" in general.text and "李*" not in general.text.split('id="contact-table"')[1]
    rows = {c.person_id: c for c in session.scalars(select(TracingContact))}
    single = client.post(
        f"{url}/decide",
        data={"csrf_token": token, "single": f"{rows[scene.shopper.id].id}:dismiss"},
        follow_redirects=False,
    )
    assert single.status_code == 303
    bulk = client.post(
        f"{url}/decide",
        data={
            "csrf_token": token,
            "action": "confirm",
            "ids": [rows[scene.housemate.id].id, rows[scene.ktv_friend.id].id],
        },
        follow_redirects=False,
    )
    assert bulk.status_code == 303
    session.expire_all()
    assert session.get(TracingContact, rows[scene.shopper.id].id).status == "dismissed"
    assert session.get(TracingContact, rows[scene.ktv_friend.id].id).status == "confirmed"
    nothing = client.post(f"{url}/decide", data={"csrf_token": token, "action": "confirm"})
    assert nothing.status_code == 422

    entry = client.post(
        f"{url}/exposures",
        data={
            "csrf_token": token,
            "kind": "place",
            "venue_code": scene.market.code,
            "started_at": _local(scene.onset - timedelta(hours=2)),
            "ended_at": _local(scene.onset - timedelta(hours=1)),
            "note": "未扫码",
        },
        follow_redirects=False,
    )
    assert entry.status_code == 303, entry.text
    wrong = client.post(
        f"{url}/exposures", data={"csrf_token": token, "kind": "transport", "started_at": "", "ended_at": ""}
    )
    assert wrong.status_code == 422
    added = client.post(
        f"{url}/contacts",
        data={
            "csrf_token": token,
            "category": "close",
            "outside_name": "张三",
            "outside_city": "兰州市",
            "note": "同团",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = client.get(url)
    assert "未扫码" in page.text and "兰州市" in page.text and "跨区协查" in page.text
    letter = session.scalar(select(TracingRequest).where(TracingRequest.kind == "outgoing"))
    assert "协查函" in client.get(f"/tracing/requests/{letter.id}/letter").text

    edit = client.post(
        f"{url}/edit",
        data={
            "csrf_token": token,
            "classification": "confirmed",
            "found_by": "clinic",
            "source": "local",
            "onset_at": _local(scene.onset),
        },
        follow_redirects=False,
    )
    assert edit.status_code == 303
    cluster = client.post(
        "/tracing/clusters",
        data={"csrf_token": token, "name": "KTV聚集", "setting": "venue", "case_codes": case.code},
        follow_redirects=False,
    )
    assert cluster.status_code == 303
    graph = client.get(cluster.headers["location"])
    assert "<svg" in graph.text and case.code in graph.text
    assert "KTV聚集" in client.get("/tracing/clusters").text
    assert (
        client.post("/tracing/clusters", data={"csrf_token": token, "name": "", "case_codes": ""}).status_code
        == 422
    )
    metrics = client.get("/tracing/metrics")
    assert metrics.status_code == 200 and "朝阳区" in metrics.text
    discard = client.post(f"{url}/action/discard", data={"csrf_token": token, "note": ""})
    assert discard.status_code == 422
    closing = client.post(f"{url}/action/close", data={"csrf_token": token}, follow_redirects=False)
    assert closing.status_code == 303
    assert client.post(f"{url}/action/close", data={"csrf_token": token}).status_code == 409


def test_page_walls(ctx, client, new_client):
    scene = make_scene(ctx)
    from lianfang.tracing.cases import service

    case = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    outsider = page_login(new_client(), scene.other_investigator)
    assert outsider.get(f"/tracing/cases/{case.id}").status_code == 404
    assert case.code not in outsider.get("/tracing").text
    worker = page_login(new_client(), scene.community_worker)
    assert worker.get("/tracing").status_code == 403
    command = page_login(new_client(), scene.district_command)
    page = command.get(f"/tracing/cases/{case.id}")
    assert page.status_code == 200 and "/propose" not in page.text
    token = csrf_of(command, f"/tracing/cases/{case.id}")
    assert command.post(f"/tracing/cases/{case.id}/propose", data={"csrf_token": token}).status_code == 403
