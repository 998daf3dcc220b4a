"""The GB/T 38963 operations through `/api/gbt38963/*`: each lands in the lianfang service it maps onto
(travel records, assignments, health codes, appeals), with its walls and audit rows."""

from __future__ import annotations

from sqlalchemy import func, select

from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.healthcodes.models import Appeal
from lianfang.travel.models import TravelRecord
from tests.factories.accounts import bearer, make_user
from tests.factories.healthcodes import pool_positive
from tests.factories.people import resident_bearer
from tests.factories.travel import WUCHANG, days_ago, make_world

API = "/api/gbt38963"


def test_the_section_is_in_the_openapi_document(client):
    spec = client.get("/openapi.json").json()
    assert "GB/T 38963" in [t["name"] for t in spec["tags"]]
    tagged = [
        p for p, ops in spec["paths"].items() for op in ops.values() if "GB/T 38963" in op.get("tags", [])
    ]
    assert sorted(tagged) == sorted(
        f"{API}/{p}" for p in ("declarations", "query", "codes", "verifications", "corrections")
    )


def test_declare_records_trips_and_sends_an_abnormal_declaration_to_the_community(client, session, ctx):
    world = make_world(ctx)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    body = {
        "person_id": world.person.id,
        "temperature": 38.1,
        "symptoms": ["咳嗽"],
        "trips": [{"place_code": WUCHANG, "from_on": str(days_ago(ctx, 5)), "to_on": str(days_ago(ctx, 2))}],
    }
    answer = resident.post(f"{API}/declarations", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["health"] == "follow_up" and len(answer.json()["travel_records"]) == 1
    record = session.get(TravelRecord, answer.json()["travel_records"][0])
    assert record is not None and record.source == "declaration" and record.person_id == world.person.id
    follow = session.scalars(select(Assignment).where(Assignment.kind == "interop.declaration")).all()
    assert [a.owner_jurisdiction_id for a in follow] == [world.community.id]
    normal = resident.post(f"{API}/declarations", json={"person_id": world.person.id, "temperature": 36.5})
    assert normal.json()["health"] == "normal"
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.verb == "interop.gbt.declare")
        )
        == 2
    )
    bad = resident.post(f"{API}/declarations", json={"person_id": world.person.id, "temperature": 50})
    assert bad.status_code == 422
    other = resident.post(f"{API}/declarations", json={"person_id": world.other.id, "temperature": 36.5})
    assert other.status_code == 404


def test_staff_declare_for_people_in_their_scope_with_the_travel_permission(client, new_client, ctx):
    world = make_world(ctx)
    worker = bearer(new_client(), world.worker)
    entered = worker.post(f"{API}/declarations", json={"person_id": world.person.id, "temperature": 36.6})
    assert entered.status_code == 201 and entered.json()["health"] == "normal"
    assert worker.post(f"{API}/declarations", json={"person_id": world.other.id}).status_code == 404
    auditor = bearer(new_client(), make_user(ctx, "auditor", world.city["110000"]))
    assert auditor.post(f"{API}/declarations", json={"person_id": world.person.id}).status_code == 403


def test_query_make_and_verify_a_code(client, new_client, session, ctx):
    world = make_world(ctx)
    resident = resident_bearer(new_client(), session, ctx.settings, "13900000001")
    status = resident.post(f"{API}/query", json={"person_id": world.person.id})
    assert status.status_code == 200 and status.json()["colour"] == "green"
    made = resident.post(f"{API}/codes", json={"person_id": world.person.id})
    assert made.status_code == 201
    checkpoint = bearer(new_client(), make_user(ctx, "checkpoint", world.city["110105"]))
    checked = checkpoint.post(f"{API}/verifications", json={"code": made.json()["code"]})
    assert checked.status_code == 200
    assert checked.json()["valid"] is True and checked.json()["colour"] == "green"
    assert checked.json()["name_masked"] and "pseudonym" not in checked.json()
    forged = checkpoint.post(f"{API}/verifications", json={"code": made.json()["code"][:-3] + "AAA"})
    assert forged.json()["valid"] is False
    staff = bearer(new_client(), world.worker)
    assert staff.post(f"{API}/codes", json={"person_id": world.person.id}).status_code == 403
    assert staff.post(f"{API}/query", json={"person_id": world.person.id}).status_code == 200
    assert staff.post(f"{API}/query", json={"person_id": world.other.id}).status_code == 404
    audited = session.scalar(select(AuditEntry).where(AuditEntry.verb == "healthcodes.gbt38963.query"))
    assert audited is not None and audited.subject_id == str(world.person.id)


def test_correct_files_an_appeal_of_a_pop_up(client, session, ctx):
    world = make_world(ctx)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    refused = resident.post(
        f"{API}/corrections", json={"person_id": world.person.id, "popup": "1", "statement": "未去过"}
    )
    assert refused.status_code == 422  # no pop-up ① to correct
    assert session.scalar(select(func.count()).select_from(Appeal)) == 0
    pool_positive(ctx, world.person)  # pop-up ③: a positive pool's member
    filed = resident.post(
        f"{API}/corrections", json={"person_id": world.person.id, "popup": "3", "statement": "复核已阴性"}
    )
    assert filed.status_code == 201, filed.text
    appeal = session.get(Appeal, filed.json()["appeal_id"])
    assert appeal is not None and appeal.channel == "self" and appeal.person_id == world.person.id
