"""Inspections through the API: checklists per type, findings with same-day deadlines and follow-up
assignments, photos (idempotent), the unit's response, re-inspection, the unit's record; and the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import end_of_local_day
from lianfang.enforcement.rules import CHECKLISTS
from tests.factories.accounts import bearer
from tests.factories.unithealth import make_unit_world

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _results(checklist, fail=()):
    return {code: ("fail" if code in fail else "pass") for code, _zh, _en in CHECKLISTS[checklist]}


def _inspect(client, world, fail=(), findings=None):
    body = {
        "target_type": "unit",
        "target_id": world.school.id,
        "results": _results("school", fail),
        "findings": findings
        if findings is not None
        else [{"item_code": code, "description": f"{code} 未落实", "same_day": True} for code in fail],
    }
    return client.post("/api/enforcement/inspections", json=body)


def test_inspection_finding_response_reinspection(ctx, client, new_client, session):
    world = make_unit_world(ctx)
    inspector = bearer(client, world.inspector)
    passed = _inspect(inspector, world)
    assert passed.status_code == 201, passed.text
    assert (
        passed.json()["inspection"]["state"] == "passed"
        and passed.json()["inspection"]["checklist"] == "school"
    )
    failed = _inspect(inspector, world, fail=("canteen",))
    assert failed.status_code == 201, failed.text
    inspection, finding = failed.json()["inspection"], failed.json()["findings"][0]
    assert inspection["state"] == "rectifying"
    item = session.get(Assignment, finding["assignment_id"])
    assert item is not None and item.kind == "enforcement.rectification"
    assert item.owner_jurisdiction_id == world.city["110105001001"].id
    assert item.deadline == end_of_local_day(item.issued_at)
    files = {"file": ("canteen.png", PNG, "image/png")}
    form = {"subject_type": "finding", "subject_id": str(finding["id"])}
    photo = inspector.post("/api/enforcement/attachments", data=form, files=files)
    assert photo.status_code == 201, photo.text
    assert inspector.post("/api/enforcement/attachments", data=form, files=files).status_code == 200
    text = inspector.post(
        "/api/enforcement/attachments", data=form, files={"file": ("a.txt", b"x", "text/plain")}
    )
    assert text.status_code == 422
    officer = bearer(new_client(), world.officer)
    assert officer.get(f"/api/enforcement/inspections/{inspection['id']}").status_code == 200
    answered = officer.post(
        f"/api/enforcement/findings/{finding['id']}/response", json={"response": "已消毒并开窗通风"}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "responded"
    again = officer.post(f"/api/enforcement/findings/{finding['id']}/response", json={"response": "再次反馈"})
    assert again.status_code == 409
    assert (
        officer.post(
            "/api/enforcement/inspections",
            json={"target_type": "unit", "target_id": world.school.id, "results": {}},
        ).status_code
        == 403
    )
    missing = inspector.post(
        f"/api/enforcement/inspections/{inspection['id']}/reinspect",
        json={"verdicts": {}, "results": _results("school")},
    )
    assert missing.status_code == 422 and missing.json()["error"]["problems"][0]["field"] == "verdicts"
    re = inspector.post(
        f"/api/enforcement/inspections/{inspection['id']}/reinspect",
        json={"verdicts": {str(finding["id"]): True}, "results": _results("school")},
    )
    assert re.status_code == 201, re.text
    assert re.json()["inspection"]["reinspection_of_id"] == inspection["id"]
    original = inspector.get(f"/api/enforcement/inspections/{inspection['id']}").json()
    assert original["inspection"]["state"] == "closed" and original["findings"][0]["state"] == "rectified"
    record = officer.get(f"/api/enforcement/units/{world.school.id}/record").json()
    assert record["zero_infection"] and len(record["inspections"]) == 3 and record["violations"] == []
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.verb.like("enforcement.%"))))
    assert {
        "enforcement.inspection.recorded",
        "enforcement.finding.responded",
        "enforcement.attachment.added",
    } <= verbs


def test_findings_need_deadlines_and_failed_items_need_findings(ctx, client):
    world = make_unit_world(ctx)
    inspector = bearer(client, world.inspector)
    no_deadline = _inspect(
        inspector, world, ("lifts",), [{"item_code": "lifts", "description": "电梯未消毒"}]
    )
    assert no_deadline.status_code == 422
    problem = no_deadline.json()["error"]["problems"][0]
    assert (
        problem["field"] == "deadline"
        and "立行立改" in problem["message"]
        and "deadline" in problem["message_en"]
    )
    uncovered = _inspect(inspector, world, ("lifts",), [])
    assert uncovered.status_code == 422 and uncovered.json()["error"]["problems"][0]["field"] == "findings"
    late = (ctx.now + timedelta(days=40)).isoformat()
    far = _inspect(
        inspector, world, ("lifts",), [{"item_code": "lifts", "description": "x", "deadline": late}]
    )
    assert far.status_code == 422
    partial = inspector.post(
        "/api/enforcement/inspections",
        json={"target_type": "unit", "target_id": world.school.id, "results": {"lifts": "pass"}},
    )
    assert partial.status_code == 422 and "items without a result" in partial.json()["error"]["message_en"]
    soon = (ctx.now + timedelta(days=3)).isoformat()
    ok = _inspect(
        inspector, world, ("lifts",), [{"item_code": "lifts", "description": "电梯未消毒", "deadline": soon}]
    )
    assert ok.status_code == 201


def test_walls(ctx, client, new_client):
    world = make_unit_world(ctx)
    inspector = bearer(client, world.inspector)
    inspection = _inspect(inspector, world, ("toilets",)).json()
    other = bearer(new_client(), world.other_district)
    assert other.get(f"/api/enforcement/inspections/{inspection['inspection']['id']}").status_code == 404
    assert other.get("/api/enforcement/inspections").json()["items"] == []
    other_officer = bearer(new_client(), world.other_officer)
    assert (
        other_officer.get(f"/api/enforcement/inspections/{inspection['inspection']['id']}").status_code == 404
    )
    finding_id = inspection["findings"][0]["id"]
    assert (
        other_officer.post(
            f"/api/enforcement/findings/{finding_id}/response", json={"response": "x"}
        ).status_code
        == 404
    )
    assert (
        inspector.post(f"/api/enforcement/findings/{finding_id}/response", json={"response": "x"}).status_code
        == 403
    )
    outside = {"target_type": "unit", "target_id": world.other_unit.id, "results": {}}
    assert inspector.post("/api/enforcement/inspections", json=outside).status_code == 404
    street = bearer(new_client(), world.street_worker)
    assert street.post("/api/enforcement/inspections", json=outside).status_code == 403
    assert [i["id"] for i in street.get("/api/enforcement/inspections").json()["items"]] == [
        inspection["inspection"]["id"]
    ]
