"""Tube registration through the API: open, scan people (idempotent), capacity, close, ship, walls."""

from __future__ import annotations

from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.testing.models import Sample, Tube
from tests.factories.accounts import bearer
from tests.factories.jurisdictions import make_city
from tests.factories.people import valid_id_number
from tests.factories.testing import TestingWorld, barcode


def _open(client, world, code, **extra):
    return client.post(
        "/api/testing/tubes",
        json={"barcode": code, "site_id": world.site.id, "round_id": world.round.id, **extra},
    )


def test_open_scan_close_ship(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    api = bearer(client, world.sampler)
    code = barcode()
    opened = _open(api, world, code)
    assert opened.status_code == 201, opened.text
    assert opened.json()["mode"] == "pool10" and opened.json()["capacity"] == 10
    assert _open(api, world, code).status_code == 200  # a retry returns the same tube

    people = [p.pseudonym for p in world.people[:3]]
    added = api.post(f"/api/testing/tubes/{code}/samples", json={"people": people})
    assert added.status_code == 200, added.text
    assert added.json()["sample_count"] == 3 and not any(s["duplicate"] for s in added.json()["samples"])
    again = api.post(f"/api/testing/tubes/{code}/samples", json={"people": people[:1]})
    assert again.json()["sample_count"] == 3 and again.json()["samples"][0]["duplicate"]
    tube = session.scalar(select(Tube).where(Tube.barcode == code))
    assert session.scalar(select(func.count()).where(Sample.tube_id == tube.id)) == 3
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb == "testing.sampled")) is not None

    unknown = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [valid_id_number()]})
    assert unknown.status_code == 422 and unknown.json()["error"]["problems"][0]["row"] == 1

    closed = api.post(f"/api/testing/tubes/{code}/close")
    assert closed.json()["status"] == "closed"
    retry = api.post(f"/api/testing/tubes/{code}/samples", json={"people": people})
    assert retry.status_code == 200 and all(s["duplicate"] for s in retry.json()["samples"])  # a retry
    late = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [world.people[4].pseudonym]})
    assert late.status_code == 409 and late.json()["error"]["message_en"].startswith("the tube is closed")

    shipped = api.post("/api/testing/shipments", json={"site_id": world.site.id, "barcodes": [code]})
    assert shipped.status_code == 201, shipped.text
    assert shipped.json()["lab_id"] == world.lab.id
    session.refresh(tube)
    assert tube.status == "shipped" and tube.lab_id == world.lab.id


def test_id_number_and_capacity(ctx, client):
    world = TestingWorld(ctx, make_city(ctx))
    api = bearer(client, world.sampler)
    code = barcode()
    assert _open(api, world, code, mode="pool5").json()["capacity"] == 5
    number = valid_id_number()
    from tests.factories.people import make_person

    person = make_person(ctx, world.community, "王五", id_number=number)
    added = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [number]})
    assert added.status_code == 200 and added.json()["samples"][0]["person_id"] == person.id
    more = [p.pseudonym for p in world.people[:5]]
    full = api.post(f"/api/testing/tubes/{code}/samples", json={"people": more})
    assert full.status_code == 422  # 1 + 5 > 5: nothing is added
    assert api.get(f"/api/testing/tubes/{code}").json()["sample_count"] == 1


def test_area_mode_override_and_single_tubes(ctx, client):
    world = TestingWorld(ctx, make_city(ctx))
    boss = bearer(client, world.command)
    set_mode = boss.post(
        f"/api/testing/rounds/{world.round.id}/areas",
        json={"jurisdiction_id": world.community.id, "mode": "single"},
    )
    assert set_mode.status_code == 200, set_mode.text
    sampler = bearer(client, world.sampler)
    tube = _open(sampler, world, barcode()).json()
    assert tube["mode"] == "single" and tube["kind"] == "single" and tube["capacity"] == 1


def test_walls(ctx, client, new_client):
    world = TestingWorld(ctx, make_city(ctx))
    code = barcode()
    assert _open(bearer(client, world.sampler), world, code).status_code == 201
    far = bearer(new_client(), world.far_sampler)
    assert far.get(f"/api/testing/tubes/{code}").status_code == 404
    assert far.post(f"/api/testing/tubes/{code}/samples", json={"people": ["x1234"]}).status_code == 404
    assert _open(far, world, barcode()).status_code == 404  # the site is outside their jurisdiction
    auditor = bearer(new_client(), world.auditor)
    assert _open(auditor, world, barcode()).status_code == 403
    assert auditor.get("/api/testing/rounds").status_code == 403
    worker = bearer(new_client(), world.worker)
    assert (
        worker.post(
            "/api/testing/labs",
            json={"name": "x", "jurisdiction_id": world.community.id, "daily_capacity": 5},
        ).status_code
        == 403
    )
    assert worker.post("/api/testing/results", json={"results": []}).status_code == 403
