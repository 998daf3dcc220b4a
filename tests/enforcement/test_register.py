"""Closure orders for venue types (codes suspended, reopening refused, the worker's scan), the event
register (R17) and violations with evidence, law, disposition and decider (R23)."""

from __future__ import annotations

from datetime import timedelta

from lianfang.checkins.models import VenueCode
from lianfang.core.clock import local_date
from lianfang.enforcement.closures.service import enforce_closures
from lianfang.venues.models import Venue
from tests.factories.accounts import bearer
from tests.factories.checkins import make_place
from tests.factories.unithealth import make_unit_world
from tests.factories.venues import make_venue

PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64


def test_a_closure_order_closes_venues_suspends_codes_and_blocks_reopening(ctx, client, new_client, session):
    world = make_unit_world(ctx)
    community = world.city["110105001001"]
    place = make_place(ctx, community, kind="chess_card_room")
    shop = make_venue(ctx, community, kind="supermarket")
    elsewhere = make_venue(ctx, world.city["110108001001"], kind="chess_card_room")
    district = bearer(client, world.district)
    body = {
        "venue_kind": "chess_card_room",
        "jurisdiction_id": world.city["110105"].id,
        "reason": "暂停开放棋牌室",
    }
    ordered = district.post("/api/enforcement/closures", json=body)
    assert ordered.status_code == 201, ordered.text
    assert ordered.json()["closed_venue_ids"] == [place.venue.id]
    session.expire_all()
    assert (
        session.get(Venue, place.venue.id).status == "closed" and session.get(Venue, shop.id).status == "open"
    )
    assert session.get(Venue, elsewhere.id).status == "open"
    assert session.get(VenueCode, place.code.id).status == "suspended"
    assert district.post("/api/enforcement/closures", json=body).status_code == 409
    reopen = district.post(f"/api/venues/{place.venue.id}/status", json={"status": "open", "reason": ""})
    assert reopen.status_code == 422 and "ordered closed" in reopen.json()["error"]["message_en"]
    session.expire_all()
    assert session.get(Venue, place.venue.id).status == "closed"
    late = make_venue(ctx, world.city["110105002001"], kind="chess_card_room")
    assert enforce_closures(ctx) == 1
    session.expire_all()
    assert session.get(Venue, late.id).status == "closed"
    inspector = bearer(new_client(), world.inspector)
    assert inspector.post("/api/enforcement/closures", json=body).status_code == 403
    other = bearer(new_client(), world.other_district)
    assert other.post(f"/api/enforcement/closures/{ordered.json()['order']['id']}/lift").status_code == 404
    lifted = district.post(f"/api/enforcement/closures/{ordered.json()['order']['id']}/lift")
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    assert (
        district.post(
            f"/api/venues/{place.venue.id}/status", json={"status": "open", "reason": ""}
        ).status_code
        == 200
    )


def test_event_register_decisions_keep_history(ctx, client, new_client):
    world = make_unit_world(ctx)
    street = bearer(client, world.street_worker)
    planned = (local_date(ctx.now) + timedelta(days=10)).isoformat()
    body = {
        "name": "北京马拉松",
        "organiser": "市体育局",
        "expected_size": 30000,
        "planned_date": planned,
        "jurisdiction_id": world.city["110105001"].id,
    }
    made = street.post("/api/enforcement/events", json=body)
    assert made.status_code == 201, made.text
    event_id = made.json()["id"]
    assert (
        street.post(
            f"/api/enforcement/events/{event_id}/decision", json={"decision": "cancelled"}
        ).status_code
        == 403
    )
    district = bearer(new_client(), world.district)
    no_date = district.post(f"/api/enforcement/events/{event_id}/decision", json={"decision": "postponed"})
    assert no_date.status_code == 422 and no_date.json()["error"]["problems"][0]["field"] == "new_date"
    later = (local_date(ctx.now) + timedelta(days=60)).isoformat()
    postponed = district.post(
        f"/api/enforcement/events/{event_id}/decision", json={"decision": "postponed", "new_date": later}
    )
    assert postponed.status_code == 200 and postponed.json()["decision"] == "postponed"
    no_reason = district.post(f"/api/enforcement/events/{event_id}/decision", json={"decision": "cancelled"})
    assert no_reason.status_code == 422
    cancelled = district.post(
        f"/api/enforcement/events/{event_id}/decision", json={"decision": "cancelled", "note": "疫情形势"}
    )
    assert cancelled.status_code == 200 and cancelled.json()["version"] == 2
    bad = street.post("/api/enforcement/events", json=body | {"expected_size": 0, "organiser": ""})
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["error"]["problems"]} == {
        "expected_size",
        "organiser",
    }
    other = bearer(new_client(), world.other_district)
    assert other.get(f"/api/enforcement/events/{event_id}").status_code == 404


def test_violations_with_law_evidence_and_decider(ctx, client, new_client):
    world = make_unit_world(ctx)
    inspector = bearer(client, world.inspector)
    today = local_date(ctx.now).isoformat()
    person = world.teachers[0]
    body = {
        "subject_type": "person",
        "subject_id": person.id,
        "category": "hid_travel",
        "facts": "隐瞒外地旅居史",
        "occurred_on": today,
        "law_code": "infectious_disease_law",
    }
    made = inspector.post("/api/enforcement/violations", json=body)
    assert made.status_code == 201, made.text
    vid = made.json()["id"]
    mismatch = inspector.post(
        "/api/enforcement/violations", json=body | {"category": "unit_duty_failure", "law_code": "x"}
    )
    assert mismatch.status_code == 422 and {p["field"] for p in mismatch.json()["error"]["problems"]} == {
        "category",
        "law_code",
    }
    evidence = inspector.post(
        "/api/enforcement/attachments",
        data={"subject_type": "violation", "subject_id": str(vid)},
        files={"file": ("e.png", PNG, "image/png")},
    )
    assert evidence.status_code == 201
    assert (
        inspector.post(
            f"/api/enforcement/violations/{vid}/decision", json={"disposition": "warning"}
        ).status_code
        == 403
    )
    district = bearer(new_client(), world.district)
    wrong = district.post(
        f"/api/enforcement/violations/{vid}/decision", json={"disposition": "accountability"}
    )
    assert wrong.status_code == 422
    decided = district.post(
        f"/api/enforcement/violations/{vid}/decision",
        json={"disposition": "warning", "note": "批评教育后警告"},
    )
    assert decided.status_code == 200 and decided.json()["decided_by_label"] == world.district.username
    changed = district.post(
        f"/api/enforcement/violations/{vid}/decision", json={"disposition": "fine", "reason": "复核"}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    unit_body = body | {
        "subject_type": "unit",
        "subject_id": world.school.id,
        "category": "unit_duty_failure",
        "law_code": "emergency_regulation",
    }
    assert inspector.post("/api/enforcement/violations", json=unit_body).status_code == 201
    record = district.get(f"/api/enforcement/units/{world.school.id}/record").json()
    assert not record["zero_infection"] and len(record["violations"]) == 1
    officer = bearer(new_client(), world.officer)
    assert officer.get(f"/api/enforcement/violations/{vid}").status_code == 403
    assert officer.get(f"/api/enforcement/units/{world.school.id}/record").json()["violations"] == []
    other = bearer(new_client(), world.other_district)
    assert other.get(f"/api/enforcement/violations/{vid}").status_code == 404
    assert other.post("/api/enforcement/violations", json=body).status_code == 422
