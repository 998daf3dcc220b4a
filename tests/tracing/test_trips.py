"""Passenger manifests and the transport rules through the API: the import with its per-row report and an
idempotent re-run, the case's trips (manifest rows and interview entries matched to a manifest), the
proposals by seat (plane rows, sealed-train carriages), unregistered passengers as outside contacts
(stored, confirmed, sent by letter), and the walls."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.crypto import vault
from lianfang.people.models import Person
from lianfang.tracing.models import TracingContact, TracingPassenger, TracingRequest
from tests.factories.accounts import bearer
from tests.factories.people import make_person, valid_id_number
from tests.factories.tracing import make_scene

HEADER = "mode,number,date,id_number,name,carriage,seat,phone,city\n"


def number_of(ctx, person):
    return vault(ctx.settings).open(ctx.session.get(Person, person.id).id_sealed)


def upload(api, text, name="manifest.csv", **form):
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    return api.post("/api/tracing/manifests", files=files, data=form)


def flight_scene(ctx):
    """The scene plus a flight the day before onset: the case in 12C, a neighbour two rows behind, a
    passenger eight rows away, an unregistered passenger in 13A, and a sealed train in carriage 5."""
    scene = make_scene(ctx)
    home = scene.city["110105001001"]
    near = make_person(ctx, home, "周邻座", id_number=valid_id_number())
    far = make_person(ctx, scene.city["110108001001"], "吴后排", id_number=valid_id_number())
    same_carriage = make_person(ctx, home, "郑同车厢", id_number=valid_id_number())
    other_carriage = make_person(ctx, home, "冯别车厢", id_number=valid_id_number())
    day = (local_date(scene.onset) - timedelta(days=1)).isoformat()
    stranger = valid_id_number(region="310101")
    rows = [
        f"flight,CA1234,{day},{number_of(ctx, scene.case_person)},李病例,,12C,,",
        f"飞机,ca1234,{day},{number_of(ctx, near)},周邻座,,14A,,",
        f"flight,CA1234,{day},{number_of(ctx, far)},吴后排,,20F,,",
        f"flight,CA1234,{day},{stranger},陈外地,,13A,13912345678,上海",
        f"高铁,G101,{day},{number_of(ctx, same_carriage)},郑同车厢,05,08D,,",
        f"动车,G101,{day},{number_of(ctx, other_carriage)},冯别车厢,06,01A,,",
    ]
    return scene, near, far, same_carriage, other_carriage, day, HEADER + "\n".join(rows) + "\n"


def _open(api, scene):
    made = api.post(
        "/api/tracing/cases", json={"person_id": scene.case_person.id, "onset_at": scene.onset.isoformat()}
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_manifest_import_reports_rows_and_reruns_idempotently(ctx, client, session):
    scene, near, *_rest, day, text = flight_scene(ctx)
    api = bearer(client, scene.investigator)
    good = valid_id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    bad = (
        f"flight,CA1234,{day},{wrong},错校验,,15C,,\n"
        f"flight,CA1234,{day},{valid_id_number()},无座位,,,,\n"
        f"rocket,X1,{day},{valid_id_number()},火箭,,1A,,\n"
        f"flight,CA1234,{day},{number_of(ctx, near)},周邻座,,14A,,\n"  # same passenger again
    )
    checked = upload(api, text + bad, dry_run="true").json()
    assert checked["dry_run"] and checked["created"] == 6
    assert session.scalar(select(TracingPassenger)) is None
    report = upload(api, text + bad)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["created"] == 6 and body["rejected_rows"] == [8, 9, 10, 11]
    fields = {(p["row"], p["field"]) for p in body["problems"]}
    assert {(8, "id_number"), (9, "seat"), (10, "mode"), (11, "id_number")} <= fields
    assert all(p["message"] and p["message_en"] for p in body["problems"])
    again = upload(api, text).json()
    assert again["created"] == 0 and again["unchanged"] == 6
    moved = upload(api, text.replace("14A", "16A")).json()
    assert moved["updated"] == 1 and moved["created"] == 0
    outsider = session.scalar(select(TracingPassenger).where(TracingPassenger.person_id.is_(None)))
    assert outsider.name == "陈外地" and outsider.city == "上海" and outsider.phone_sealed != "13912345678"
    assert session.scalar(select(TracingPassenger).where(TracingPassenger.person_id == near.id)).name == ""
    trips = api.get("/api/tracing/manifests").json()["items"]
    assert {(t["number"], t["mode"], t["passengers"]) for t in trips} == {
        ("CA1234", "flight", 4),
        ("G101", "train_sealed", 2),
    }
    assert session.scalars(select(AuditEntry).where(AuditEntry.verb == "tracing.manifest.import")).all()
    empty = upload(api, "foo,bar\n1,2\n")
    assert empty.status_code == 422 and "mode" in empty.json()["error"]["message_en"]


def test_trip_proposals_follow_the_transport_rules(ctx, client, session):
    scene, near, far, same_carriage, other_carriage, day, text = flight_scene(ctx)
    api = bearer(client, scene.investigator)
    assert upload(api, text).status_code == 200
    case = _open(api, scene)
    start = datetime.combine(date.fromisoformat(day), time(9), tzinfo=SHANGHAI)
    entry = api.post(
        f"/api/tracing/cases/{case['id']}/exposures",
        json={
            "kind": "transport",
            "transport_mode": "train_sealed",
            "transport_number": "g101",
            "carriage": "05",
            "seat": "03F",
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=4)).isoformat(),
        },
    )
    assert entry.status_code == 201, entry.text
    items = api.get(f"/api/tracing/cases/{case['id']}/proposals").json()["items"]
    by_person = {p["person_id"]: p for p in items if p["person_id"]}
    assert by_person[near.id]["category"] == "close" and by_person[near.id]["reason"] == "transport"
    assert "同排及前后三排" in by_person[near.id]["detail"] and "TR1-" in by_person[near.id]["rule"]
    assert "RULES §1.2" in by_person[near.id]["rule"]
    assert by_person[far.id]["category"] == "general"
    assert (
        by_person[same_carriage.id]["category"] == "close"
        and "同一车厢" in by_person[same_carriage.id]["detail"]
    )
    assert by_person[other_carriage.id]["category"] == "general"
    outside = [p for p in items if p["person_id"] is None]
    assert len(outside) == 1 and outside[0]["category"] == "close" and outside[0]["name"].startswith("陈")
    trips = api.get(f"/api/tracing/cases/{case['id']}/trips").json()
    assert {(t["number"], t["source"], t["seat"]) for t in trips} == {
        ("CA1234", "manifest", "12C"),
        ("G101", "interview", "05 03F"),
    }
    timeline = api.get(f"/api/tracing/cases/{case['id']}/timeline").json()
    assert any(t["source"] == "manifest" and "CA1234" in t["text"] for t in timeline)

    stored = api.post(f"/api/tracing/cases/{case['id']}/propose").json()
    assert stored["proposed"] >= 6
    assert api.post(f"/api/tracing/cases/{case['id']}/propose").json()["proposed"] == 0
    row = session.scalar(
        select(TracingContact).where(TracingContact.case_id == case["id"], TracingContact.person_id.is_(None))
    )
    assert row.outside_name == "陈外地" and row.outside_phone == "13912345678" and row.passenger_id
    done = api.post("/api/tracing/contacts/decide", json={"ids": [row.id], "action": "confirm"})
    assert done.status_code == 200, done.text
    request = session.scalar(select(TracingRequest).where(TracingRequest.contact_id == row.id))
    assert request.kind == "outgoing" and "上海" in request.letter and "CA1234" in request.letter


def test_trip_walls(ctx, client, new_client):
    scene, *_rest, text = flight_scene(ctx)
    case = _open(bearer(client, scene.investigator), scene)
    outsider = bearer(new_client(), scene.other_investigator)
    assert outsider.get(f"/api/tracing/cases/{case['id']}/trips").status_code == 404
    worker = bearer(new_client(), scene.community_worker)
    assert worker.get("/api/tracing/manifests").status_code == 403
    assert upload(worker, text).status_code == 403
    command = bearer(new_client(), scene.district_command)
    assert upload(command, text).status_code == 403
    assert command.get(f"/api/tracing/cases/{case['id']}/trips").status_code == 200
