"""Tracing through the JSON API: open a case, the proposals with reason, rule and edition, bulk and single
decisions, sending contacts (community, cross-district with the 4-hour deadline, another city), the
secondary contacts, the request states, clusters and their graph, the metric, and the walls."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments import service as assignments_service
from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.tracing.investigation import views as investigation_views
from lianfang.tracing.models import TracingCase, TracingContact
from tests.factories.accounts import bearer
from tests.factories.assignments import as_user
from tests.factories.tracing import make_scene


def _open(api, scene, **extra):
    body = {
        "person_id": scene.case_person.id,
        "onset_at": scene.onset.isoformat(),
        "classification": "confirmed",
    }
    made = api.post("/api/tracing/cases", json=body | extra)
    assert made.status_code == 201, made.text
    return made.json()


def test_proposals_name_reason_rule_and_edition(ctx, client):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    case = _open(api, scene)
    assert case["status"] == "open" and case["lookback_days"] == 2 and case["code"].startswith("LD")
    proposals = api.get(f"/api/tracing/cases/{case['id']}/proposals").json()
    by_person = {p["person_id"]: p for p in proposals["items"]}
    assert by_person[scene.housemate.id]["category"] == "close"
    assert by_person[scene.housemate.id]["reason"] == "household"
    assert "§1.2 (1)" in by_person[scene.housemate.id]["rule"]
    assert (
        by_person[scene.classmate.id]["reason"] == "group"
        and "三年级2班" in by_person[scene.classmate.id]["detail"]
    )
    friend = by_person[scene.ktv_friend.id]
    assert (
        friend["category"] == "close"
        and friend["reason"] == "venue_enclosed"
        and friend["overlap_minutes"] == 90
    )
    assert by_person[scene.shopper.id]["category"] == "general"
    assert scene.passer_by.id not in by_person and scene.case_person.id not in by_person
    assert proposals["rule_edition"] == case["rule_edition"]
    assert friend["name"].startswith("赵") and "朋友" not in friend["name"]  # masked


def test_propose_decide_and_send(ctx, client, session):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    case = _open(api, scene)
    stored = api.post(f"/api/tracing/cases/{case['id']}/propose")
    assert stored.status_code == 200, stored.text
    assert stored.json()["proposed"] == 4 and stored.json()["secondary"] >= 1
    again = api.post(f"/api/tracing/cases/{case['id']}/propose").json()
    assert again["proposed"] == 0  # idempotent
    listed = api.get(f"/api/tracing/cases/{case['id']}/contacts").json()
    assert listed["next_after"] is None
    contacts = {c["person_id"]: c for c in listed["items"]}
    first_page = api.get(f"/api/tracing/cases/{case['id']}/contacts", params={"limit": 2}).json()
    assert len(first_page["items"]) == 2 and first_page["next_after"] == first_page["items"][1]["id"]
    rest = api.get(f"/api/tracing/cases/{case['id']}/contacts", params={"after": first_page["next_after"]})
    assert len(rest.json()["items"]) == len(contacts) - 2
    closes = api.get(f"/api/tracing/cases/{case['id']}/contacts", params={"category": "close"}).json()
    assert {c["category"] for c in closes["items"]} == {"close"}
    mother = contacts[scene.classmates_mother.id]
    assert mother["degree"] == 2 and mother["category"] == "secondary"
    assert mother["via_contact_id"] == contacts[scene.classmate.id]["id"]

    # change the shopper to close, then confirm three at once, dismiss one singly
    shopper = contacts[scene.shopper.id]["id"]
    changed = api.post("/api/tracing/contacts/decide", json={"ids": [shopper], "action": "close"})
    assert changed.json()["items"][0]["category"] == "close"
    ids = [contacts[p.id]["id"] for p in (scene.housemate, scene.ktv_friend, scene.shopper)]
    confirmed = api.post(
        "/api/tracing/contacts/decide", json={"ids": ids, "action": "confirm", "note": "电话核实"}
    )
    assert confirmed.status_code == 200 and confirmed.json()["done"] == 3
    dismissed = api.post(
        "/api/tracing/contacts/decide",
        json={"ids": [contacts[scene.classmate.id]["id"]], "action": "dismiss"},
    )
    assert dismissed.status_code == 200
    undo = api.post("/api/tracing/contacts/decide", json={"ids": [ids[0]], "action": "dismiss"})
    assert undo.status_code == 409

    listed = api.get(f"/api/tracing/cases/{case['id']}/requests").json()
    requests = {r["contact_id"]: r for r in listed["items"]}
    home = requests[ids[0]]
    assert home["kind"] == "community" and home["state"] == "issued"
    assist = requests[ids[1]]
    assert assist["kind"] == "assist" and assist["target"] == "海淀区"
    item = session.get(Assignment, assist["assignment_id"])
    assert item.kind == "tracing.assist" and item.owner_path == scene.city["110108"].path
    assert item.deadline - item.issued_at == timedelta(hours=4)
    assert item.subject_type == "tracing_contact" and "赵" in item.title

    # the other district completes the request: the contact is controlled, the requester sees it
    other_command = as_user(ctx, _user(ctx, "district_command", scene.city["110108"]))
    assignments_service.transition(other_command, item.id, "acknowledge")
    assignments_service.transition(other_command, item.id, "complete", "已落位，集中隔离")
    listed = api.get(f"/api/tracing/cases/{case['id']}/requests").json()
    state = {r["contact_id"]: r for r in listed["items"]}
    assert state[ids[1]]["state"] == "done"
    assert listed["next_after"] is None and len(listed["items"]) == 3
    assert listed["tallies"] == dict(Counter(r["state"] for r in listed["items"]))  # none late yet
    page = api.get(f"/api/tracing/cases/{case['id']}/requests", params={"limit": 1}).json()
    assert [r["id"] for r in page["items"]] == [min(r["id"] for r in listed["items"])]
    rest = api.get(f"/api/tracing/cases/{case['id']}/requests", params={"after": page["next_after"]})
    assert len(rest.json()["items"]) == 2 and rest.json()["next_after"] is None
    two_days_on = replace(ctx, now=ctx.now + timedelta(days=2))  # past every deadline: open ones are late
    tallies = investigation_views.request_tallies(two_days_on, session.get(TracingCase, case["id"]))
    still_open = [r for r in listed["items"] if r["state"] != "done"]
    assert still_open and tallies["late"] == len(still_open) and tallies["done"] == 1
    assert session.get(TracingContact, ids[1]).controlled_at is not None
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_type == "tracing_case")))
    assert {
        "tracing.case.open",
        "tracing.contact.propose",
        "tracing.contact.confirm",
        "tracing.contact.dispatch",
    } <= verbs


def _user(ctx, role, home):
    from tests.factories.accounts import make_user

    return make_user(ctx, role, home)


def test_add_by_hand_and_letter_to_another_city(ctx, client):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    case = _open(api, scene)
    bad = api.post(f"/api/tracing/cases/{case['id']}/contacts", json={"outside_name": "张三"})
    assert bad.status_code == 422 and bad.json()["error"]["problems"][0]["field"] == "outside_name"
    added = api.post(
        f"/api/tracing/cases/{case['id']}/contacts",
        json={
            "outside_name": "张三",
            "outside_city": "西安市",
            "outside_phone": "13900000000",
            "note": "同团游客",
        },
    )
    assert added.status_code == 201 and added.json()["status"] == "confirmed"
    requests = api.get(f"/api/tracing/cases/{case['id']}/requests").json()["items"]
    assert requests[0]["kind"] == "outgoing" and requests[0]["target"] == "西安市"
    again = api.post(f"/api/tracing/cases/{case['id']}/contacts", json={"person_id": scene.housemate.id})
    assert again.status_code == 201
    dup = api.post(f"/api/tracing/cases/{case['id']}/contacts", json={"person_id": scene.housemate.id})
    assert dup.status_code == 409


def test_lifecycle_transport_and_cluster(ctx, client):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    first = _open(api, scene)
    second = api.post(
        "/api/tracing/cases",
        json={
            "person_id": scene.shopper.id,
            "sampled_at": scene.onset.isoformat(),
            "classification": "asymptomatic",
        },
    ).json()
    flight = {"kind": "transport", "transport_mode": "flight", "transport_number": "ca1234"}
    at = (scene.onset - timedelta(hours=10)).isoformat(), (scene.onset - timedelta(hours=8)).isoformat()
    for case, row in ((first, 12), (second, 15)):
        entry = api.post(
            f"/api/tracing/cases/{case['id']}/exposures",
            json=flight | {"started_at": at[0], "ended_at": at[1], "seat_row": row, "seat": "C"},
        )
        assert entry.status_code == 201, entry.text
    items = {
        p["person_id"]: p for p in api.get(f"/api/tracing/cases/{first['id']}/proposals").json()["items"]
    }
    assert items[scene.shopper.id]["reason"] == "venue" or items[scene.shopper.id]["category"] == "close"
    assert "CA1234" in items[scene.shopper.id]["detail"] and "三排" in items[scene.shopper.id]["detail"]
    bad = api.post(
        f"/api/tracing/cases/{first['id']}/exposures", json=flight | {"started_at": at[1], "ended_at": at[0]}
    )
    assert bad.status_code == 422

    cluster = api.post(
        "/api/tracing/clusters",
        json={"name": "CA1234航班聚集", "setting": "transport", "case_ids": [first["id"], second["id"]]},
    )
    assert cluster.status_code == 201
    linked = api.patch(f"/api/tracing/cases/{second['id']}", json={"infector_case_id": first["id"]})
    assert linked.status_code == 200 and linked.json()["infector_case_id"] == first["id"]
    svg = api.get(f"/api/tracing/clusters/{cluster.json()['id']}/graph.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert first["code"] in svg.text and "marker-end" in svg.text and "<script" not in svg.text

    assert api.post(f"/api/tracing/cases/{first['id']}/actions/discard", json={}).status_code == 422
    closed = api.post(f"/api/tracing/cases/{first['id']}/actions/close")
    assert closed.json()["status"] == "closed"
    assert api.post(f"/api/tracing/cases/{first['id']}/actions/close").status_code == 409
    assert api.patch(f"/api/tracing/cases/{first['id']}", json={"source": "local"}).status_code == 409
    assert api.post(f"/api/tracing/cases/{first['id']}/actions/reopen").json()["status"] == "open"


def test_walls(ctx, client, new_client):
    scene = make_scene(ctx)
    case = _open(bearer(client, scene.investigator), scene)
    outsider = bearer(new_client(), scene.other_investigator)
    assert outsider.get(f"/api/tracing/cases/{case['id']}").status_code == 404
    assert outsider.get(f"/api/tracing/cases/{case['id']}/proposals").status_code == 404
    assert outsider.get("/api/tracing/cases").json()["items"] == []
    open_there = outsider.post(
        "/api/tracing/cases", json={"person_id": scene.case_person.id, "onset_at": scene.onset.isoformat()}
    )
    assert open_there.status_code == 404
    worker = bearer(new_client(), scene.community_worker)
    assert worker.get(f"/api/tracing/cases/{case['id']}").status_code == 403
    assert worker.get("/api/tracing/metrics/under-control").status_code == 403
    command = bearer(new_client(), scene.district_command)
    assert command.get(f"/api/tracing/cases/{case['id']}").status_code == 200
    assert command.post(f"/api/tracing/cases/{case['id']}/propose").status_code == 403
    contact_ids = [c.id for c in ctx.session.scalars(select(TracingContact))]
    assert outsider.post(
        "/api/tracing/contacts/decide", json={"ids": contact_ids or [1], "action": "confirm"}
    ).status_code in (404, 422)
    assert client.get("/api/tracing/cases").status_code == 200


def test_validation_is_bilingual(ctx, client):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    bad = api.post(
        "/api/tracing/cases", json={"person_id": scene.case_person.id, "classification": "x", "found_by": "y"}
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["error"]["problems"]}
    assert {"classification", "found_by", "onset_at"} <= fields
    problem = bad.json()["error"]["problems"][0]
    assert problem["message"] and problem["message_en"]
    _open(api, scene)
    assert (
        _open.__name__
        and api.post(
            "/api/tracing/cases",
            json={"person_id": scene.case_person.id, "onset_at": scene.onset.isoformat()},
        ).status_code
        == 409
    )


def test_today_the_twenty_measures_judge_no_secondary_contacts(ctx, client, settings, monkeypatch):
    monkeypatch.setattr(settings, "tracing_edition", "")
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    case = _open(api, scene)
    assert case["rule_edition"] == "二十条"
    stored = api.post(f"/api/tracing/cases/{case['id']}/propose").json()
    assert stored["proposed"] == 4 and stored["secondary"] == 0
