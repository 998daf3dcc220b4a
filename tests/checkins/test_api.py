"""The device API for single scans: recorded and committed, the visitor's status returned, retries
idempotent, every kind of bad input refused with a clear problem, and the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.checkins.models import Scan
from lianfang.checkins.scans.views import forget_codes
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.jurisdictions import make_city
from tests.factories.people import resident_bearer


def _count(session, **where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Scan).filter_by(**where))


def test_a_scan_is_recorded_and_answers_with_the_status(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"], name="王小明")
    bearer(client, place.operator)
    body = scan_body(place.code.token, person)
    first = client.post("/api/scans", json=body)
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["duplicate"] is False and data["venue_id"] == place.venue.id
    assert data["visitor"] == {"person_id": person.id, "name_masked": "王**", "id_masked": person.id_masked}
    # No fact about this visitor: the health code's derivation says green (未见异常), not a placeholder.
    assert data["status"]["colour"] == "green" and data["status"]["known"] is True
    assert data["status"]["label_zh"] == "未见异常" and data["status"]["alert"] is False
    assert data["status"]["popups"] == ""
    stored = session.scalar(select(Scan).where(Scan.id == data["scan_id"]))
    assert (stored.venue_id, stored.person_id, stored.code_id, stored.source) == (
        place.venue.id,
        person.id,
        place.code.id,
        "api",
    )
    assert stored.stay_until - stored.scanned_at == timedelta(minutes=25)  # supermarket default stay

    again = client.post("/api/scans", json=body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["scan_id"] == data["scan_id"]
    assert _count(session, venue_id=place.venue.id) == 1


def test_short_code_url_and_id_number_identify_venue_and_person(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    by_code = client.post(
        "/api/scans",
        json={
            "code": place.venue.code.lower(),
            "id_number": place.registrar_id_number,
            "idempotency_key": "a1",
        },
    )
    assert by_code.status_code == 201, by_code.text
    assert by_code.json()["visitor"]["person_id"] == place.registrar.id
    url = f"https://lianfang.example/s/{place.code.token}"
    by_url = client.post("/api/scans", json=scan_body(url, person, key="a2"))
    assert by_url.status_code == 201, by_url.text
    left = ctx.now + timedelta(minutes=5)
    with_left = scan_body(place.code.token, person, at=ctx.now, key="a3") | {"left_at": left.isoformat()}
    checked = client.post("/api/scans", json=with_left).json()
    stored = session.scalar(select(Scan).where(Scan.id == checked["scan_id"]))
    assert stored.checked_out and stored.stay_until == left
    assert _count(session, venue_id=place.venue.id) == 3
    assert {s.code_id for s in session.scalars(select(Scan))} == {None, place.code.id}


def _problems(response):
    assert response.status_code == 422, response.text
    return {p["field"]: p for p in response.json()["error"]["problems"]}


def test_bad_input_is_refused_with_a_clear_problem(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    other = make_place(ctx, city["110105001002"])
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    token = place.code.token
    cases = {
        "code": [
            scan_body("not a code!", person),
            scan_body("x" * 32, person),  # well-formed but forged
            scan_body(other.code.token, person),  # another operator's venue
        ],
        "scanned_at": [
            scan_body(token, person, at=ctx.now + timedelta(hours=2)),
            scan_body(token, person, at=ctx.now - timedelta(days=40)),
            scan_body(token, person) | {"scanned_at": "2026-11-23T10:00:00"},  # no time zone
        ],
        "idempotency_key": [scan_body(token, person, key="has spaces")],
        "person": [{"code": token, "idempotency_key": "x1"}],
        "id_number": [{"code": token, "idempotency_key": "x2", "id_number": "110105199001011234"}],
        "person_pseudonym": [scan_body(token, person) | {"person_pseudonym": "nobody-has-this"}],
        "left_at": [
            scan_body(token, person, at=ctx.now) | {"left_at": (ctx.now - timedelta(hours=1)).isoformat()}
        ],
    }
    for field, bodies in cases.items():
        for body in bodies:
            problems = _problems(client.post("/api/scans", json=body))
            assert field in problems, (field, body, problems)
            assert problems[field]["message"] and problems[field]["message_en"]
    assert "idempotency_key" in _problems(client.post("/api/scans", json={"code": token}))
    broken = client.post("/api/scans", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["problems"]
    assert _count(session) == 0


def test_suspended_and_expired_codes_refuse_new_scans_but_keep_earlier_ones(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    place.code.status, place.code.suspended_reason = "suspended", "manual"
    place.code.suspended_at = ctx.now - timedelta(minutes=30)
    ctx.session.flush()
    late = _problems(client.post("/api/scans", json=scan_body(place.code.token, person, at=ctx.now)))
    assert "停用" in late["code"]["message"]
    early = client.post(
        "/api/scans", json=scan_body(place.code.token, person, at=ctx.now - timedelta(hours=1))
    )
    assert early.status_code == 201, early.text  # an offline gate's scan from before the suspension
    place.code.status, place.code.expires_at = "active", ctx.now - timedelta(minutes=1)
    ctx.session.flush()
    forget_codes(client.app.state.runtime.bus)  # as the code verbs do (another process waits CODE_TTL)
    expired = _problems(client.post("/api/scans", json=scan_body(place.code.token, person, at=ctx.now)))
    assert "过期" in expired["code"]["message"]


def test_who_may_post(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"], phone="13900001111")
    body = scan_body(place.code.token, person)
    assert client.post("/api/scans", json=body).status_code == 401
    bad = new_client()
    bad.headers["Authorization"] = "Bearer nonsense"
    assert bad.post("/api/scans", json=body).status_code == 401
    resident = resident_bearer(new_client(), session, ctx.settings, "13900001111")
    assert resident.post("/api/scans", json=body).status_code == 403
    worker = bearer(new_client(), make_user(ctx, "community_worker", city["110105001001"]))
    assert worker.post("/api/scans", json=body).status_code == 201  # registry staff over the venue
    far = bearer(new_client(), make_user(ctx, "community_worker", city["110108001001"]))
    assert "code" in _problems(far.post("/api/scans", json=scan_body(place.code.token, person)))


def test_checkout_by_operator_and_by_the_visitor(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    other = make_place(ctx, city["110105001002"])
    person = visitor(ctx, city["110105001001"], phone="13900002222")
    bearer(client, place.operator)
    scan_id = client.post(
        "/api/scans", json=scan_body(place.code.token, person, at=ctx.now - timedelta(minutes=10))
    ).json()["scan_id"]
    stranger = bearer(new_client(), other.operator)
    assert stranger.post(f"/api/scans/{scan_id}/checkout", json={}).status_code == 404
    early = (ctx.now - timedelta(minutes=20)).isoformat()
    assert "left_at" in _problems(client.post(f"/api/scans/{scan_id}/checkout", json={"left_at": early}))
    done = client.post(f"/api/scans/{scan_id}/checkout", json={})
    assert done.status_code == 200 and done.json()["checked_out"] is True
    resident = resident_bearer(new_client(), session, ctx.settings, "13900002222")
    assert resident.post(f"/api/scans/{scan_id}/checkout", json={}).status_code == 200
    assert resident.post("/api/scans/999999/checkout", json={}).status_code == 404
    session.expire_all()
    audits = session.scalar(select(func.count()).where(AuditEntry.verb == "scan.checkout"))
    assert audits == 2


def test_venue_scans_list_pages_and_walls(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    other = make_place(ctx, city["110108001001"])
    bearer(client, place.operator)
    people = [visitor(ctx, city["110105001001"], name=f"赵{i}") for i in range(5)]
    for i, person in enumerate(people):
        at = ctx.now - timedelta(minutes=50 - i)
        assert client.post("/api/scans", json=scan_body(place.code.token, person, at=at)).status_code == 201
    # An explicit window: by default the list is the local day, and the test may run just after 00:00.
    window = {"start": (ctx.now - timedelta(hours=2)).isoformat(), "end": ctx.now.isoformat()}
    first = client.get(f"/api/venues/{place.venue.id}/scans", params={"limit": 2, **window}).json()
    assert [r["person_id"] for r in first["items"]] == [people[4].id, people[3].id]
    assert first["items"][0]["name_masked"] == "赵*"
    seen = [r["id"] for r in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(
            f"/api/venues/{place.venue.id}/scans", params={"limit": 2, "cursor": cursor, **window}
        ).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 5
    assert client.get(f"/api/venues/{other.venue.id}/scans").status_code == 404
    worker = bearer(new_client(), make_user(ctx, "community_worker", city["110105001001"]))
    assert len(worker.get(f"/api/venues/{place.venue.id}/scans", params=window).json()["items"]) == 5
    assert worker.get(f"/api/venues/{other.venue.id}/scans").status_code == 404


def test_residents_see_only_their_own_scans(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    mine = visitor(ctx, city["110105001001"], name="孙一", phone="13900003333")
    child = visitor(ctx, city["110105001001"], name="孙二", phone="13900003333")
    theirs = visitor(ctx, city["110105001001"], name="周三", phone="13900004444")
    bearer(client, place.operator)
    for person in (mine, child, theirs):
        assert client.post("/api/scans", json=scan_body(place.code.token, person)).status_code == 201
    resident = resident_bearer(new_client(), session, ctx.settings, "13900003333")
    items = resident.get("/api/me/scans").json()["items"]
    assert {i["person_id"] for i in items} == {mine.id, child.id}
    assert items[0]["venue_name"] == place.venue.name
    assert resident.get(f"/api/venues/{place.venue.id}/scans").status_code == 403
    assert client.get("/api/me/scans").status_code == 403
