"""The walls: a permission missing is 403, a person or record in another jurisdiction is 404."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.travel.models import TravelRecord
from tests.factories.accounts import bearer, make_user
from tests.factories.people import resident_bearer
from tests.factories.travel import WUCHANG, days_ago, make_world, stay

AREA = {
    "place_code": WUCHANG,
    "level": "county",
    "starts_on": "2022-01-01",
    "source": "s",
    "lift_rule": "no_new_14d",
}


def test_community_worker_walls(ctx, client, new_client, session):
    world = make_world(ctx)
    stay(ctx, world.other, WUCHANG, 9, 2)
    record = session.scalar(select(TravelRecord))
    worker = bearer(new_client(), world.worker)
    assert worker.post("/api/travel/risk-areas", json=AREA).status_code == 403
    assert (
        worker.post("/api/travel/places/import", files={"file": ("p.csv", b"code,name\n")}).status_code == 403
    )
    assert worker.post("/api/travel/records/import", files={"file": ("t.csv", b"x\n")}).status_code == 403
    assert worker.get(f"/api/travel/people/{world.other.id}/status").status_code == 404
    fix = {"place_code": WUCHANG, "from_on": str(days_ago(ctx, 9))}
    assert worker.post(f"/api/travel/records/{record.id}/correct", json=fix).status_code == 404
    assert worker.get("/api/travel/records").json()["items"] == []
    other = bearer(new_client(), world.other_worker)
    assert [r["id"] for r in other.get("/api/travel/records").json()["items"]] == [record.id]
    body = {
        "person_id": world.other.id,
        "arrived_on": str(days_ago(ctx, 1)),
        "from_country": "SGP",
        "port": "p",
    }
    assert worker.post("/api/travel/arrivals", json=body).status_code == 404


def test_roles_without_travel_permissions(ctx, client, new_client, session):
    world = make_world(ctx)
    venue = bearer(new_client(), make_user(ctx, "venue_operator", world.community))
    assert venue.get("/api/travel/flags").status_code == 403
    assert venue.get("/api/travel/records").status_code == 403
    assert venue.get("/travel/flags").status_code == 403
    district = bearer(new_client(), make_user(ctx, "district_command", world.city["110105"]))
    assert district.post("/api/travel/risk-areas", json=AREA).status_code == 403
    assert client.get("/api/travel/flags").status_code == 401
    assert client.get("/travel/flags", follow_redirects=False).status_code == 303
    resident = resident_bearer(new_client(), session, ctx.settings, "13900000001")
    assert resident.get("/api/travel/flags").status_code == 403
    assert resident.get("/travel/risk-areas").status_code == 403
