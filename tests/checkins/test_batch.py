"""Batch upload (offline gates, venue systems): JSON, NDJSON and CSV; one result per line, valid lines
kept, bad lines explained, re-sending creates nothing; an audit row per batch."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianfang.checkins.ingest import service as ingest
from lianfang.checkins.models import Scan
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user
from tests.factories.checkins import make_place, visitor
from tests.factories.jurisdictions import make_city
from tests.factories.people import resident_bearer


def _count(session, **where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Scan).filter_by(**where))


def _line(code, person, at, key, **extra):
    return {
        "code": code,
        "person_pseudonym": person.pseudonym,
        "scanned_at": at.isoformat(),
        "idempotency_key": key,
    } | extra


def test_a_json_batch_keeps_valid_lines_and_explains_the_others(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    other = make_place(ctx, city["110105001002"])
    people = [visitor(ctx, city["110105001001"], name=f"钱{i}") for i in range(3)]
    bearer(client, place.operator)
    token, earlier = place.code.token, ctx.now - timedelta(hours=3)
    lines = [
        _line(token, people[0], earlier, "g1"),
        _line(token, people[1], earlier + timedelta(minutes=1), "g2"),
        _line(place.venue.code, people[2], earlier, "g3"),  # the short code works too
        _line(token, people[0], earlier, "g1"),  # the same key twice in one batch
        _line(token, people[0], ctx.now + timedelta(days=1), "g5"),  # future
        _line(token, people[0], ctx.now - timedelta(days=60), "g6"),  # past retention
        _line("y" * 40, people[0], earlier, "g7"),  # forged code
        _line(other.code.token, people[0], earlier, "g8"),  # not this operator's venue
        {
            "code": token,
            "person_pseudonym": "nobody",
            "scanned_at": earlier.isoformat(),
            "idempotency_key": "g9",
        },
        {"code": token, "person_pseudonym": people[0].pseudonym, "idempotency_key": "g10"},  # no time
        {
            "code": token,
            "person_pseudonym": people[0].pseudonym,
            "scanned_at": "yesterday",
            "idempotency_key": "g11",
        },
        "not an object",
        _line(token, people[1], earlier, "bad key!"),
    ]
    response = client.post("/api/scans/batch", json=lines)
    assert response.status_code == 200, response.text
    body = response.json()
    results = {item["row"]: item for item in body["items"]}
    assert [results[r]["result"] for r in (1, 2, 3)] == ["created"] * 3
    assert results[4]["result"] == "duplicate" and results[4]["scan_id"] == results[1]["scan_id"]
    expected = {
        5: "scanned_at",
        6: "scanned_at",
        7: "code",
        8: "code",
        9: "person_pseudonym",
        10: "scanned_at",
    }
    expected |= {11: "scanned_at", 12: "", 13: "idempotency_key"}
    for row, field in expected.items():
        assert results[row]["result"] == "rejected", row
        assert field in {p["field"] for p in results[row]["problems"]}, (row, results[row])
        assert all(p["row"] == row for p in results[row]["problems"])
    assert (body["created"], body["duplicates"], body["rejected"]) == (3, 1, 9)
    assert _count(session, venue_id=place.venue.id) == 3
    stored = session.scalar(select(Scan).where(Scan.id == results[1]["scan_id"]))
    assert (stored.source, stored.person_id, stored.scanned_at) == ("batch", people[0].id, earlier)

    again = client.post("/api/scans/batch", json=lines[:4]).json()
    assert (again["created"], again["duplicates"]) == (0, 4)
    assert [i["scan_id"] for i in again["items"]] == [results[r]["scan_id"] for r in (1, 2, 3, 1)]
    assert _count(session, venue_id=place.venue.id) == 3
    audits = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "scans.batch")))
    assert len(audits) == 2 and audits[0].detail["created"] == 3 and audits[0].detail["rejected"] == 9


def test_csv_upload_and_ndjson_body(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    at = ctx.now - timedelta(hours=1)
    csv_text = (
        "code,idempotency_key,scanned_at,left_at,person_pseudonym,id_number\n"
        f"{place.code.token},c1,{at.isoformat()},,{person.pseudonym},\n"
        f"{place.code.token},c2,{at.isoformat()},{(at + timedelta(minutes=3)).isoformat()},,"
        f"{place.registrar_id_number}\n"
        f"{place.code.token},c3,{at.isoformat()},,,110105199001011234\n"
    )
    upload = client.post("/api/scans/batch", files={"file": ("gate.csv", csv_text.encode(), "text/csv")})
    assert upload.status_code == 200, upload.text
    items = upload.json()["items"]
    assert [i["row"] for i in items] == [2, 3, 4]  # file lines: the header is line 1
    assert [i["result"] for i in items] == ["created", "created", "rejected"]
    assert items[2]["problems"][0]["field"] == "id_number"
    checked = session.scalar(select(Scan).where(Scan.id == items[1]["scan_id"]))
    assert checked.checked_out and checked.stay_until == at + timedelta(minutes=3)
    ndjson = (
        "\n".join(json.dumps(_line(place.code.token, person, at, f"n{i}")) for i in range(3)) + "\n{broken\n"
    )
    response = client.post(
        "/api/scans/batch", content=ndjson.encode(), headers={"content-type": "application/x-ndjson"}
    )
    assert [i["result"] for i in response.json()["items"]] == ["created"] * 3 + ["rejected"]
    assert _count(session, venue_id=place.venue.id) == 5
    bad = client.post("/api/scans/batch", content=b"{}", headers={"content-type": "application/json"})
    assert bad.status_code == 422
    assert client.post("/api/scans/batch", files={"nofile": ("x.csv", b"", "text/csv")}).status_code == 422


def test_scans_from_before_a_suspension_are_kept(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    place.code.status, place.code.suspended_reason = "suspended", "venue"
    place.code.suspended_at = ctx.now - timedelta(hours=2)
    ctx.session.flush()
    lines = [
        _line(place.code.token, person, ctx.now - timedelta(hours=3), "s1"),
        _line(place.code.token, person, ctx.now - timedelta(hours=1), "s2"),
    ]
    items = client.post("/api/scans/batch", json=lines).json()["items"]
    assert [i["result"] for i in items] == ["created", "rejected"]
    assert "停用" in items[1]["problems"][0]["message"]


def test_who_may_upload(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"], phone="13900005555")
    lines = [_line(place.code.token, person, ctx.now, "w1")]
    assert client.post("/api/scans/batch", json=lines).status_code == 401
    resident = resident_bearer(new_client(), session, ctx.settings, "13900005555")
    assert resident.post("/api/scans/batch", json=lines).status_code == 403
    far = bearer(new_client(), make_user(ctx, "district_command", city["110108"]))
    items = far.post("/api/scans/batch", json=lines).json()["items"]
    assert items[0]["result"] == "rejected" and items[0]["problems"][0]["field"] == "code"
    assert _count(session) == 0


@pytest.fixture(params=["checked first", "a stored key past the first chunk", "a key stored unseen"])
def resend_path(request, monkeypatch):
    """PostgreSQL has three ways for a re-sent line: its key found before the COPY; found only when a
    COPY streamed on a clean first chunk meets it (then chunk by chunk); or never seen by the look-up,
    as when another upload stores it at the same moment (then ON CONFLICT). SQLite has one."""
    if request.param == "a stored key past the first chunk":
        monkeypatch.setattr(ingest, "CHECK_CHUNK", 1)
    elif request.param == "a key stored unseen":
        monkeypatch.setattr(ingest, "stored_keys", lambda _session, _chunk: {})
    return request.param


def test_a_partly_resent_batch_stores_only_its_new_lines(ctx, client, session, resend_path):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    people = [visitor(ctx, city["110105001001"], name=f"孙{i}") for i in range(4)]
    bearer(client, place.operator)
    at = ctx.now - timedelta(hours=2)
    old = [_line(place.code.token, people[i], at + timedelta(minutes=i), f"old{i}") for i in range(4)]
    new = [_line(place.code.token, people[i], at + timedelta(minutes=9 + i), f"new{i}") for i in range(4)]
    first = client.post("/api/scans/batch", json=old).json()
    originals = [item["scan_id"] for item in first["items"]]
    assert first["created"] == 4 and len(set(originals)) == 4

    # old and new lines interleaved, a new one first, and one new key twice
    lines = [new[0], old[0], new[1], old[1], old[2], new[2], new[3], old[3], new[0]]
    again = client.post("/api/scans/batch", json=lines)
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (4, 5, 0)
    items = body["items"]
    assert [i["row"] for i in items] == list(range(1, 10))
    results = [i["result"] for i in items]
    c, d = "created", "duplicate"
    assert results == [c, d, c, d, d, c, c, d, d]
    assert [items[n]["scan_id"] for n in (1, 3, 4, 7)] == originals
    assert items[8]["scan_id"] == items[0]["scan_id"]
    created = [items[n]["scan_id"] for n in (0, 2, 5, 6)]
    assert len(set(created)) == 4 and not set(created) & set(originals)
    assert _count(session, venue_id=place.venue.id) == 8
    stored = {s.idempotency_key: s.id for s in session.scalars(select(Scan))}
    assert [stored[f"old{i}"] for i in range(4)] == originals
    assert [stored[f"new{i}"] for i in range(4)] == created

    # all of it once more: nothing new, every line points at its stored scan
    last = client.post("/api/scans/batch", json=lines).json()
    assert (last["created"], last["duplicates"]) == (0, 9)
    assert [i["scan_id"] for i in last["items"]] == [i["scan_id"] for i in items]
    assert _count(session, venue_id=place.venue.id) == 8
