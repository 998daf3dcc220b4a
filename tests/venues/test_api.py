"""Venues through the API: register with a code, edit, status with events and audit, operators, bulk
status all-or-nothing, search pages, export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.venues.events import VenueStatusChanged
from lianfang.venues.models import Venue
from lianfang.venues.rules import is_code
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city
from tests.factories.units import make_unit
from tests.factories.venues import make_venue


def _worker(ctx, client, home="110105001"):
    city = make_city(ctx)
    user = make_user(ctx, "community_worker", city[home])
    bearer(client, user)
    return city, user


def test_register_a_venue_gets_a_unique_code(ctx, client, session):
    city, _ = _worker(ctx, client)
    community = city["110105001001"]
    body = {
        "name": "建外超市",
        "kind": "超市",
        "community_id": community.id,
        "address": "建国路1号",
        "capacity": 80,
    }
    first = client.post("/api/venues", json=body)
    assert first.status_code == 201, first.text
    venue = first.json()
    assert is_code(venue["code"]) and venue["status"] == "open" and venue["kind"] == "supermarket"
    assert venue["jurisdiction_path"] == community.path
    twin = client.post("/api/venues", json=body)
    assert (
        twin.status_code == 422 and "already registered" in twin.json()["error"]["problems"][0]["message_en"]
    )
    second = client.post("/api/venues", json=body | {"address": "建国路2号"})
    assert second.status_code == 201 and second.json()["code"] != venue["code"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "venue.create"))
    assert entry is not None and entry.detail["code"] == venue["code"]


def test_bad_input_names_every_field(ctx, client):
    city, _ = _worker(ctx, client)
    body = {"name": "", "kind": "castle", "community_id": city["110108001001"].id, "capacity": 5}
    response = client.post("/api/venues", json=body)
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["error"]["problems"]} == {"name", "kind", "community_id"}
    negative = client.post("/api/venues", json={"name": "x", "kind": "park", "capacity": -1})
    assert negative.status_code == 422


def test_operating_unit_is_checked_without_reading_units(ctx, client):
    city, _ = _worker(ctx, client)
    unit = make_unit(ctx, city["110105001001"])
    body = {"name": "药店", "kind": "pharmacy", "community_id": city["110105001001"].id, "unit_id": 999999}
    missing = client.post("/api/venues", json=body)
    assert missing.status_code == 422 and missing.json()["error"]["problems"][0]["field"] == "unit_id"
    made = client.post("/api/venues", json=body | {"unit_id": unit.id})
    assert made.status_code == 201 and made.json()["unit_id"] == unit.id


def test_edit_audits_before_and_after(ctx, client, session):
    city, _ = _worker(ctx, client)
    venue = make_venue(ctx, city["110105001001"], name="旧店名")
    body = {"name": "新店名", "kind": "restaurant", "community_id": city["110105001002"].id, "capacity": 30}
    response = client.put(f"/api/venues/{venue.id}", json=body)
    assert response.status_code == 200 and response.json()["code"] == venue.code
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "venue.update"))
    assert entry is not None and entry.detail["before"]["name"] == "旧店名"
    assert entry.detail["after"]["capacity"] == 30


def test_status_changes_publish_an_event_and_leave_an_audit_row(ctx, client, session, runtime):
    city, _ = _worker(ctx, client)
    venue = make_venue(ctx, city["110105001001"], kind="chess_card_room")
    seen: list[VenueStatusChanged] = []
    runtime.bus.subscribe(VenueStatusChanged, lambda _ctx, event: seen.append(event))
    url = f"/api/venues/{venue.id}/status"
    no_reason = client.post(url, json={"status": "sealed"})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["problems"][0]["field"] == "reason"
    sealed = client.post(url, json={"status": "sealed", "reason": "病例到访"})
    assert sealed.status_code == 200 and sealed.json()["status"] == "sealed"
    assert sealed.json()["status_by_authority"] is True and sealed.json()["status_reason"] == "病例到访"
    assert client.post(url, json={"status": "sealed", "reason": "again"}).status_code == 422
    assert client.post(url, json={"status": "open"}).json()["status"] == "open"
    assert [(e.old_status, e.new_status) for e in seen] == [("open", "sealed"), ("sealed", "open")]
    assert seen[0].venue_id == venue.id and seen[0].reason == "病例到访" and seen[0].by_authority
    rows = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "venue.status")))
    assert [(r.detail["before"], r.detail["after"]) for r in rows] == [("open", "sealed"), ("sealed", "open")]


def test_operator_may_close_and_reopen_but_not_undo_the_authorities(ctx, client, new_client, session):
    city, _ = _worker(ctx, client)
    venue = make_venue(ctx, city["110105001001"], kind="ktv")
    operator = make_user(ctx, "venue_operator", city["110105001001"])
    assert client.put(f"/api/venues/{venue.id}/operator", json={"user_id": operator.id}).status_code == 200
    assert client.put(f"/api/venues/{venue.id}/operator", json={"user_id": operator.id}).status_code == 409
    op = bearer(new_client(), operator)
    url = f"/api/venues/{venue.id}/status"
    closed = op.post(url, json={"status": "closed", "reason": "装修"})
    assert closed.status_code == 200 and closed.json()["status_by_authority"] is False
    assert op.post(url, json={"status": "open"}).status_code == 200
    assert op.post(url, json={"status": "sealed", "reason": "x"}).status_code == 422
    assert client.post(url, json={"status": "closed", "reason": "停业整顿"}).status_code == 200
    refused = op.post(url, json={"status": "open"})
    assert refused.status_code == 422 and "only they can reopen" in refused.json()["error"]["message_en"]
    assert op.put(f"/api/venues/{venue.id}", json={"name": "x", "kind": "ktv"}).status_code == 403
    lab = make_user(ctx, "lab", city["110105001001"])
    wrong = client.put(f"/api/venues/{venue.id}/operator", json={"user_id": lab.id})
    assert wrong.status_code == 422 and wrong.json()["error"]["problems"][0]["field"] == "user_id"
    assert (
        client.put(f"/api/venues/{venue.id}/operator", json={"user_id": None}).json()["operator_user_id"]
        is None
    )
    assert op.get(f"/api/venues/{venue.id}").status_code == 404
    verbs = [
        r.detail.get("after")
        for r in session.scalars(select(AuditEntry).where(AuditEntry.verb == "venue.operator"))
    ]
    assert verbs == [operator.id, None]


def test_bulk_status_is_all_or_nothing(ctx, client, session, runtime):
    city, _ = _worker(ctx, client)
    mine = [make_venue(ctx, city["110105001001"]) for _ in range(3)]
    theirs = make_venue(ctx, city["110108001001"])
    seen: list[VenueStatusChanged] = []
    runtime.bus.subscribe(VenueStatusChanged, lambda _ctx, event: seen.append(event))
    ids = [v.id for v in mine]
    refused = client.post(
        "/api/venues/status", json={"venue_ids": [*ids, theirs.id], "status": "closed", "reason": "r"}
    )
    assert refused.status_code == 404
    session.expire_all()
    assert {v.status for v in session.scalars(select(Venue))} == {"open"} and seen == []
    assert client.post("/api/venues/status", json={"venue_ids": ids, "status": "closed"}).status_code == 422
    assert (
        client.post(
            "/api/venues/status", json={"venue_ids": [], "status": "closed", "reason": "r"}
        ).status_code
        == 422
    )
    client.post(f"/api/venues/{mine[0].id}/status", json={"status": "closed", "reason": "先关"})
    done = client.post(
        "/api/venues/status", json={"venue_ids": ids, "status": "closed", "reason": "区域管控"}
    )
    assert done.status_code == 200
    assert done.json() == {"changed": ids[1:], "unchanged": ids[:1]}
    session.expire_all()
    assert {v.id for v in session.scalars(select(Venue).where(Venue.status == "closed"))} == set(ids)
    assert len(seen) == 3
    bulk = session.scalar(select(AuditEntry).where(AuditEntry.verb == "venue.bulk_status"))
    assert bulk is not None and bulk.detail["changed"] == ids[1:]


def test_search_filters_and_keyset_pages(ctx, client):
    city, _ = _worker(ctx, client)
    a, b = city["110105001001"], city["110105001002"]
    shops = [make_venue(ctx, a, name=f"建外店{i}") for i in range(3)]
    gym = make_venue(ctx, b, name="建外健身", kind="gym")
    make_venue(ctx, city["110108001001"], name="建外远方")
    first = client.get("/api/venues?q=建外&limit=2").json()
    assert [v["id"] for v in first["items"]] == [shops[0].id, shops[1].id]
    second = client.get(f"/api/venues?q=建外&limit=2&after={first['next_after']}").json()
    assert [v["id"] for v in second["items"]] == [shops[2].id, gym.id] and second["next_after"] is None
    assert [v["id"] for v in client.get("/api/venues?kind=gym").json()["items"]] == [gym.id]
    assert len(client.get(f"/api/venues?community_id={a.id}").json()["items"]) == 3
    client.post(f"/api/venues/{gym.id}/status", json={"status": "closed", "reason": "r"})
    assert [v["id"] for v in client.get("/api/venues?status=closed").json()["items"]] == [gym.id]
    assert client.get(f"/api/venues?q={gym.code.lower()}").json()["items"][0]["id"] == gym.id


def test_export(ctx, client):
    city, _ = _worker(ctx, client)
    make_venue(ctx, city["110105001001"], name="甲店")
    make_venue(ctx, city["110108001001"], name="远店")
    response = client.get("/api/venues/export")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["name"], r["community_code"], r["status"]) for r in rows] == [("甲店", "110105001001", "open")]
    assert client.get("/api/venues/export?format=xlsx").content[:2] == b"PK"
