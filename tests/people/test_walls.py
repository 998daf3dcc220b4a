"""The walls, one test per role: another jurisdiction's person is 404, a missing permission is 403."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianfang.accounts.models import Resident
from lianfang.core.access import Actor
from lianfang.core.errors import NotFound
from lianfang.people.access import access_person
from tests.factories.people import make_person, resident_bearer, valid_id_number
from tests.people.world import A, B, make_world, signed_in

HEADER = "name,id_number,community_code\n"


def _world_with_people(ctx):
    w = make_world(ctx)
    return (
        w,
        make_person(ctx, w.a, name="甲"),
        make_person(ctx, w.a2, name="乙"),
        make_person(ctx, w.b, name="丙"),
    )


def test_community_worker_reaches_only_their_community(ctx, client):
    w, in_a, in_a2, in_b = _world_with_people(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    assert client.get(f"/api/people/{in_a.id}").status_code == 200
    for other in (in_a2, in_b):
        assert client.get(f"/api/people/{other.id}").status_code == 404
        assert client.patch(f"/api/people/{other.id}", json={"name": "改"}).status_code == 404
        assert client.post(f"/api/people/{other.id}/reveal").status_code == 404
        assert client.put(f"/api/people/{other.id}/household", json={"code": "H"}).status_code == 404
    assert [p["id"] for p in client.get("/api/people").json()["items"]] == [in_a.id]
    moved = client.patch(f"/api/people/{in_a.id}", json={"community_code": B})
    assert moved.status_code == 422 and moved.json()["error"]["problems"][0]["field"] == "community_code"
    created = client.post(
        "/api/people", json={"name": "越界", "id_number": valid_id_number(), "community_code": B}
    )
    assert created.status_code == 422
    report = client.post(
        "/api/people/import", files={"file": ("p.csv", (HEADER + f"越界,{valid_id_number()},{B}\n").encode())}
    ).json()
    assert report["created"] == 0 and report["problems"][0]["field"] == "community_code"


def test_district_command_sees_the_whole_district_and_nothing_else(ctx, client):
    w, in_a, in_a2, in_b = _world_with_people(ctx)
    signed_in(ctx, client, "district_command", w.chaoyang)
    assert {p["id"] for p in client.get("/api/people").json()["items"]} == {in_a.id, in_a2.id}
    assert client.get(f"/api/people/{in_a2.id}").status_code == 200
    assert client.get(f"/api/people/{in_b.id}").status_code == 404
    assert client.post(f"/api/people/{in_b.id}/reveal").status_code == 404
    assert client.patch(f"/api/people/{in_a2.id}", json={"address": "新址"}).status_code == 200


def test_city_command_sees_every_district(ctx, client):
    w, in_a, in_a2, in_b = _world_with_people(ctx)
    signed_in(ctx, client, "city_command", w.city["110000"])
    assert {p["id"] for p in client.get("/api/people").json()["items"]} == {in_a.id, in_a2.id, in_b.id}


def test_investigator_reads_and_reveals_but_does_not_write(ctx, client):
    w, in_a, _, in_b = _world_with_people(ctx)
    signed_in(ctx, client, "investigator", w.chaoyang)
    assert client.get(f"/api/people/{in_a.id}").status_code == 200
    assert client.post(f"/api/people/{in_a.id}/reveal").status_code == 200
    assert client.post(f"/api/people/{in_b.id}/reveal").status_code == 404
    body = {"name": "新", "id_number": valid_id_number(), "community_code": A}
    assert client.post("/api/people", json=body).status_code == 403
    assert client.patch(f"/api/people/{in_a.id}", json={"name": "改"}).status_code == 403
    assert client.put(f"/api/people/{in_a.id}/household", json={"code": "H"}).status_code == 403
    assert client.post("/api/households", json={"community_id": w.a.id, "code": "H"}).status_code == 403
    files = {"file": ("p.csv", (HEADER + f"新,{valid_id_number()},{A}\n").encode())}
    assert client.post("/api/people/import", files=files).status_code == 403
    assert client.get("/api/people/export").status_code == 403


@pytest.mark.parametrize("role", ["venue_operator", "auditor"])
def test_roles_without_registry_access_get_403(ctx, client, role):
    w, in_a, _, _ = _world_with_people(ctx)
    signed_in(ctx, client, role, w.chaoyang)
    assert client.get("/api/people").status_code == 403
    assert client.get(f"/api/people/{in_a.id}").status_code == 403
    assert client.post(f"/api/people/{in_a.id}/reveal").status_code == 403
    assert client.get("/api/people/export").status_code == 403
    assert client.get("/api/households").status_code == 403


@pytest.mark.parametrize("role", ["lab", "unit_officer"])
def test_roles_without_registry_access_cannot_browse_reveal_or_write(ctx, client, role):
    # Labs find a sample's person in the testing module; unit officers see staff through units.
    w, in_a, _, _ = _world_with_people(ctx)
    signed_in(ctx, client, role, w.chaoyang)
    assert client.get("/api/people").status_code == 403
    assert client.get(f"/api/people/{in_a.id}").status_code == 403
    assert client.post(f"/api/people/{in_a.id}/reveal").status_code == 403
    assert client.patch(f"/api/people/{in_a.id}", json={"name": "改"}).status_code == 403
    assert client.get("/api/people/export", params={"reveal": "true"}).status_code == 403


def test_resident_sees_only_own_records_and_no_staff_api(ctx, client, session, settings):
    w = make_world(ctx)
    mine = make_person(ctx, w.a, name="王小明", phone="13811112222")
    child = make_person(ctx, w.a, name="王小小", phone="13811112222")
    make_person(ctx, w.b, name="别人", phone="13833334444")
    resident_bearer(client, session, settings, "13811112222")
    records = client.get("/api/me/people").json()
    assert [r["id"] for r in records] == [mine.id, child.id]
    assert records[0]["name"] == "王**" and records[0]["id_masked"] == mine.id_masked
    assert records[0]["community_name"] == w.a.name
    assert client.get("/api/people").status_code == 403
    assert client.get(f"/api/people/{mine.id}").status_code == 403
    assert client.post(f"/api/people/{mine.id}/reveal").status_code == 403


def test_staff_and_anonymous_have_no_resident_records(ctx, client, new_client):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    assert client.get("/api/me/people").status_code == 403
    anonymous = new_client()
    assert anonymous.get("/api/me/people").status_code == 401
    assert anonymous.get("/api/people").status_code == 401


def test_access_person_lets_a_resident_reach_only_records_under_their_phone(ctx, client, session, settings):
    w = make_world(ctx)
    mine = make_person(ctx, w.a, phone="13811119999")
    other = make_person(ctx, w.a, phone="13811118888")
    resident_bearer(client, session, settings, "13811119999")
    resident = session.scalar(select(Resident).where(Resident.phone_hash == mine.phone_hash))
    assert resident is not None
    actor = Actor(kind="resident", label="r", resident_id=resident.id)
    assert access_person(session, actor, mine.id) is mine
    with pytest.raises(NotFound):
        access_person(session, actor, other.id)
    with pytest.raises(NotFound):
        access_person(session, Actor(kind="resident", label="r", resident_id=None), mine.id)
