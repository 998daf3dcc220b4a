"""The walls, one test per role: another jurisdiction's unit is 404, a missing permission is 403, a unit
officer reaches only their own units (wherever they are)."""

from __future__ import annotations

from lianfang.accounts.access import staff_actor
from lianfang.units import service
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.units import add_staff, make_unit


def _world(ctx):
    city = make_city(ctx)
    a, b = city["110105001001"], city["110105001002"]
    far = city["110108001001"]
    return city, {"a": make_unit(ctx, a), "b": make_unit(ctx, b), "far": make_unit(ctx, far)}


def _ids(client, url="/api/units"):
    return {u["id"] for u in client.get(url).json()["items"]}


def test_community_worker_sees_only_their_community(ctx, client, new_client):
    city, units = _world(ctx)
    worker = make_user(ctx, "community_worker", city["110105001001"])
    bearer(client, worker)
    assert client.get(f"/api/units/{units['a'].id}").status_code == 200
    for other in ("b", "far"):
        assert client.get(f"/api/units/{units[other].id}").status_code == 404
        assert client.get(f"/api/units/{units[other].id}/staff").status_code == 404
        assert (
            client.put(f"/api/units/{units[other].id}", json={"name": "x", "kind": "other"}).status_code
            == 404
        )
    assert _ids(client) == {units["a"].id}
    page = page_login(new_client(), worker).get(f"/units/{units['b'].id}")
    assert page.status_code == 404 and "未找到单位" in page.text


def test_district_command_sees_its_district(ctx, client):
    city, units = _world(ctx)
    bearer(client, make_user(ctx, "district_command", city["110105"]))
    assert _ids(client) == {units["a"].id, units["b"].id}
    assert client.get(f"/api/units/{units['far'].id}").status_code == 404
    assert client.post(f"/api/units/{units['b'].id}/deactivate").status_code == 200


def test_city_command_sees_everything(ctx, client):
    city, units = _world(ctx)
    bearer(client, make_user(ctx, "city_command", city["110000"]))
    assert _ids(client) == {u.id for u in units.values()}


def test_unit_officer_reaches_only_own_units_even_across_districts(ctx, client):
    city, units = _world(ctx)
    officer = make_user(ctx, "unit_officer", city["110108001001"])
    admin = make_user(ctx, "admin", city["110000"])
    admin_ctx = ctx.as_actor(staff_actor(ctx.session, admin, None))
    service.link_officer(admin_ctx, units["a"].id, officer.id)
    bearer(client, officer)
    assert _ids(client) == {units["a"].id}  # not the unit in the officer's own community
    assert client.get(f"/api/units/{units['far'].id}").status_code == 404
    number = valid_id_number()
    person = make_person(ctx, city["110108001001"], id_number=number)
    by_id = client.post(f"/api/units/{units['a'].id}/staff", json={"person_id": person.id, "role": "staff"})
    assert by_id.status_code == 422  # an officer cannot browse the registry by person number
    added = client.post(f"/api/units/{units['a'].id}/staff", json={"id_number": number, "role": "staff"})
    assert added.status_code == 201, added.text
    denied = client.post(
        f"/api/units/{units['far'].id}/staff", json={"person_id": person.id, "role": "staff"}
    )
    assert denied.status_code == 404
    assert client.put(f"/api/units/{units['a'].id}", json={"name": "x", "kind": "other"}).status_code == 403
    assert client.get(f"/api/units/{units['a'].id}/staff/export").status_code == 200
    report = client.post(
        "/api/units/staff/import",
        files={"file": ("s.csv", f"unit_code,id_number,role\n{units['far'].code},110,staff\n".encode())},
    ).json()
    assert report["rejected_rows"] == [2] and report["problems"][0]["field"] == "unit_code"


def test_lab_has_no_registry_access(ctx, client):
    city, units = _world(ctx)
    bearer(client, make_user(ctx, "lab", city["110000"]))
    assert client.get(f"/api/units/{units['a'].id}").status_code == 403
    body = {"code": "LAB-1", "name": "x", "kind": "other", "community_id": city["110105001001"].id}
    assert client.post("/api/units", json=body).status_code == 403
    assert client.post(f"/api/units/{units['a'].id}/deactivate").status_code == 403
    person = make_person(ctx, city["110105001001"])
    staffed = client.post(f"/api/units/{units['a'].id}/staff", json={"person_id": person.id, "role": "staff"})
    assert staffed.status_code == 403
    assert client.get("/api/units/export").status_code == 403


def test_auditor_and_venue_operator_have_no_unit_access(ctx, new_client):
    city, units = _world(ctx)
    membership = add_staff(ctx, units["a"], make_person(ctx, city["110105001001"]))
    for role in ("auditor", "venue_operator"):
        client = bearer(new_client(), make_user(ctx, role, city["110000"]))
        assert client.get("/api/units").status_code == 403
        assert client.get(f"/api/units/{units['a'].id}").status_code == 403
        assert client.post(f"/api/units/{units['a'].id}/staff/{membership.id}/end").status_code == 403
        body = {"code": "Q-1", "name": "x", "kind": "other", "community_id": city["110105001001"].id}
        assert client.post("/api/units", json=body).status_code == 403


def test_anonymous_is_asked_to_sign_in(client):
    assert client.get("/api/units").status_code == 401
    response = client.get("/units", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
