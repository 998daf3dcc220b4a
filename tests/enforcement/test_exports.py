"""CSV/Excel exports of the enforcement lists (open findings, violations, closure orders, the event
register): the page's filters and scope, masked people, one audit row per export, refused without read."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.enforcement.rules import CHECKLISTS
from lianfang.enforcement.violations.service import ViolationInput, record_violation
from lianfang.people.rules import mask_name
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.unithealth import make_unit_world


def _audited(session, verb):
    return session.scalars(select(AuditEntry).where(AuditEntry.verb == verb)).all()


def test_violations_export_follows_the_filter_scope_and_masks_people(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    today = local_date(ctx.now)
    teacher = world.teachers[0]
    record_violation(
        ctx, ViolationInput("person", teacher.id, "hid_contact", "隐瞒密接史", today, "emergency_regulation")
    )
    for unit in (world.school, world.other_unit):
        data = ViolationInput("unit", unit.id, "unit_duty_failure", "未测温", today, "emergency_regulation")
        record_violation(ctx, data)
    web = page_login(client, world.inspector)
    assert "/enforcement/violations/export?" in web.get("/enforcement/violations").text
    rows = csv_rows(web.get("/enforcement/violations/export?format=csv&state=recorded"))
    assert sorted(r["subject"] for r in rows) == sorted([mask_name(teacher.name), world.school.name])
    assert teacher.name not in {r["subject"] for r in rows}
    assert world.other_unit.name not in {r["subject"] for r in rows}
    one = csv_rows(web.get(f"/enforcement/violations/export?format=csv&unit_id={world.school.id}"))
    assert [r["subject"] for r in one] == [world.school.name]
    assert csv_rows(web.get("/enforcement/violations/export?format=csv&state=decided")) == []
    book = load_workbook(
        io.BytesIO(web.get("/enforcement/violations/export?format=xlsx").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][2] == "subject" and len(table) == 3
    entries = _audited(session, "enforcement.violation.export")
    assert len(entries) == 4 and {e.detail["rows"] for e in entries} == {0, 1, 2}
    officer = page_login(new_client(), world.officer)  # responds to findings, cannot read violations
    assert officer.get("/enforcement/violations/export?format=csv").status_code == 403


def test_findings_closures_and_events_exports(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    inspector = bearer(new_client(), world.inspector)
    failed = [CHECKLISTS["school"][0][0]]
    results = {code: "fail" if code in failed else "pass" for code, _zh, _en in CHECKLISTS["school"]}
    body = {
        "target_type": "unit",
        "target_id": world.school.id,
        "results": results,
        "findings": [{"item_code": failed[0], "description": "未落实", "same_day": True}],
    }
    assert inspector.post("/api/enforcement/inspections", json=body).status_code == 201
    district = bearer(new_client(), world.district)
    closure = {"venue_kind": "chess_card_room", "jurisdiction_id": world.city["110105"].id, "reason": "暂停"}
    assert district.post("/api/enforcement/closures", json=closure).status_code == 201
    planned = (local_date(ctx.now) + timedelta(days=10)).isoformat()
    event = {
        "name": "北京马拉松",
        "organiser": "市体育局",
        "expected_size": 30000,
        "planned_date": planned,
        "jurisdiction_id": world.city["110105001"].id,
    }
    assert (
        bearer(new_client(), world.street_worker).post("/api/enforcement/events", json=event).status_code
        == 201
    )

    officer = page_login(new_client(), world.officer)  # the school's officer: its own findings only
    assert "/enforcement/findings/export?format=csv" in officer.get("/enforcement").text
    assert [r["description"] for r in csv_rows(officer.get("/enforcement/findings/export?format=csv"))] == [
        "未落实"
    ]
    far_officer = page_login(new_client(), world.other_officer)
    assert csv_rows(far_officer.get("/enforcement/findings/export?format=csv")) == []
    assert len(_audited(session, "enforcement.finding.export")) == 2

    web = page_login(client, world.district)
    assert "/enforcement/closures/export?format=csv" in web.get("/enforcement/closures").text
    closures = csv_rows(web.get("/enforcement/closures/export?format=csv"))
    assert [(r["venue_kind"], r["reason"], r["lifted_at"]) for r in closures] == [
        ("chess_card_room", "暂停", "")
    ]
    assert "/enforcement/events/export?format=csv" in web.get("/enforcement/events").text
    events = load_workbook(
        io.BytesIO(web.get("/enforcement/events/export?format=xlsx").content), read_only=True
    )
    table = list(events.worksheets[0].iter_rows(values_only=True))
    assert table[0][1] == "event" and table[1][1] == "北京马拉松" and len(table) == 2
    assert len(_audited(session, "enforcement.closure.export")) == 1
    assert len(_audited(session, "enforcement.event.export")) == 1

    other = page_login(new_client(), world.other_district)
    assert csv_rows(other.get("/enforcement/closures/export?format=csv")) == []
    assert csv_rows(other.get("/enforcement/events/export?format=csv")) == []
    assert csv_rows(other.get("/enforcement/findings/export?format=csv")) == []
    auditor = page_login(new_client(), make_user(ctx, "auditor", world.city["110000"]))
    for url in ("findings", "closures", "events"):
        assert auditor.get(f"/enforcement/{url}/export?format=csv").status_code == 403
    assert officer.get("/enforcement/closures/export?format=csv").status_code == 403
