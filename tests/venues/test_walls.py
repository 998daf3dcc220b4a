"""The walls, one test per role: another jurisdiction's venue is 404, a missing permission is 403, a venue
operator reaches only the venues they operate."""

from __future__ import annotations

from lianfang.venues import service
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.venues import make_venue


def _world(ctx):
    city = make_city(ctx)
    venues = {
        "a": make_venue(ctx, city["110105001001"]),
        "b": make_venue(ctx, city["110105001002"]),
        "far": make_venue(ctx, city["110108001001"]),
    }
    return city, venues


def _ids(client):
    return {v["id"] for v in client.get("/api/venues").json()["items"]}


def test_community_worker_sees_only_their_community(ctx, client, new_client):
    city, venues = _world(ctx)
    worker = make_user(ctx, "community_worker", city["110105001001"])
    bearer(client, worker)
    assert _ids(client) == {venues["a"].id}
    for other in ("b", "far"):
        assert client.get(f"/api/venues/{venues[other].id}").status_code == 404
        status = client.post(
            f"/api/venues/{venues[other].id}/status", json={"status": "closed", "reason": "r"}
        )
        assert status.status_code == 404
    page = page_login(new_client(), worker).get(f"/venues/{venues['b'].id}")
    assert page.status_code == 404 and "未找到场所" in page.text


def test_district_command_sees_its_district(ctx, client):
    city, venues = _world(ctx)
    bearer(client, make_user(ctx, "district_command", city["110105"]))
    assert _ids(client) == {venues["a"].id, venues["b"].id}
    assert client.get(f"/api/venues/{venues['far'].id}").status_code == 404
    both = [venues["a"].id, venues["b"].id]
    assert (
        client.post(
            "/api/venues/status", json={"venue_ids": both, "status": "closed", "reason": "r"}
        ).status_code
        == 200
    )


def test_venue_operator_sees_only_own_venues(ctx, client):
    city, venues = _world(ctx)
    operator = make_user(ctx, "venue_operator", city["110105001001"])
    service.assign_operator(ctx, venues["far"].id, operator.id)  # in another district: still theirs
    ctx.session.flush()
    bearer(client, operator)
    assert _ids(client) == {venues["far"].id}
    assert client.get(f"/api/venues/{venues['a'].id}").status_code == 404
    assert (
        client.post(
            f"/api/venues/{venues['far'].id}/status", json={"status": "closed", "reason": "r"}
        ).status_code
        == 200
    )
    body = {"venue_ids": [venues["far"].id], "status": "open"}
    assert client.post("/api/venues/status", json=body).status_code == 403
    assert client.post("/api/venues", json={"name": "x", "kind": "park"}).status_code == 403
    assert client.get("/api/units").status_code == 403


def test_lab_has_no_registry_access(ctx, client):
    city, venues = _world(ctx)
    bearer(client, make_user(ctx, "lab", city["110000"]))
    assert client.get("/api/venues").status_code == 403
    assert (
        client.post(
            f"/api/venues/{venues['a'].id}/status", json={"status": "closed", "reason": "r"}
        ).status_code
        == 403
    )
    body = {"name": "x", "kind": "park", "community_id": city["110105001001"].id}
    assert client.post("/api/venues", json=body).status_code == 403
    assert client.put(f"/api/venues/{venues['a'].id}/operator", json={"user_id": None}).status_code == 403
    assert client.get("/api/venues/export").status_code == 403


def test_auditor_has_no_venue_access(ctx, client):
    city, venues = _world(ctx)
    bearer(client, make_user(ctx, "auditor", city["110000"]))
    assert client.get("/api/venues").status_code == 403
    assert client.get(f"/api/venues/{venues['a'].id}").status_code == 403
    assert (
        client.post(
            f"/api/venues/{venues['a'].id}/status", json={"status": "closed", "reason": "r"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/venues/status", json={"venue_ids": [venues["a"].id], "status": "closed"}
        ).status_code
        == 403
    )


def test_investigator_reads_city_wide_but_cannot_seal(ctx, client):
    city, venues = _world(ctx)
    bearer(client, make_user(ctx, "investigator", city["110000"]))
    assert client.get(f"/api/venues/{venues['far'].id}").status_code == 200
    response = client.post(f"/api/venues/{venues['far'].id}/status", json={"status": "sealed", "reason": "r"})
    assert response.status_code == 403
