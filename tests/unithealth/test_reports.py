"""Daily health reports through the API: zero reports, person-by-person reports, corrections that keep
history, closed and future days, placement conflicts, the street's missing list and reminders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.core.jobs import Job
from tests.factories.accounts import bearer
from tests.factories.people import make_person
from tests.factories.unithealth import make_unit_world
from tests.factories.units import add_staff, make_unit


def _today(ctx):
    return local_date(ctx.now).isoformat()


def test_zero_report_then_correction_keeps_history(ctx, client, session):
    world = make_unit_world(ctx)
    bearer(client, world.officer)
    url = f"/api/unithealth/units/{world.school.id}/reports"
    first = client.post(url, json={"report_date": _today(ctx), "zero_report": True})
    assert first.status_code == 200, first.text
    assert first.json()["zero_report"] and first.json()["headcount"] == 8 and first.json()["version"] == 1
    again = client.post(url, json={"report_date": _today(ctx), "zero_report": True})
    assert again.status_code == 422 and again.json()["error"]["problems"][0]["field"] == "reason"
    assert "已报告" in again.json()["error"]["message_zh"]
    teacher = world.teachers[0]
    body = {
        "report_date": _today(ctx),
        "entries": [{"person_id": teacher.id, "temperature": 37.8, "mask_ok": True, "symptoms": ["fever"]}],
        "reason": "王老师下午发热",
    }
    corrected = client.post(url, json=body)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["version"] == 2 and corrected.json()["abnormal"] == 1
    detail = client.get(f"{url}/{_today(ctx)}").json()
    assert detail["entries"][0]["abnormal"] and detail["revisions"][0]["snapshot"]["zero_report"] is True
    assert detail["revisions"][0]["reason"] == "王老师下午发热"
    verbs = set(
        session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_type == "unit_daily_report"))
    )
    assert {"unithealth.report.filed", "unithealth.report.corrected", "unithealth.report.viewed"} <= verbs


def test_bad_reports_are_refused_with_bilingual_reasons(ctx, client):
    world = make_unit_world(ctx)
    bearer(client, world.officer)
    url = f"/api/unithealth/units/{world.school.id}/reports"
    yesterday = (local_date(ctx.now) - timedelta(days=1)).isoformat()
    closed = client.post(url, json={"report_date": yesterday, "zero_report": True})
    assert closed.status_code == 422 and "closed at 24:00" in closed.json()["error"]["message_en"]
    assert "截止" in closed.json()["error"]["message_zh"]
    future = (local_date(ctx.now) + timedelta(days=1)).isoformat()
    assert client.post(url, json={"report_date": future, "zero_report": True}).status_code == 422
    hot = {"person_id": world.students[0].id, "temperature": 38.2}
    mixed = client.post(url, json={"report_date": _today(ctx), "zero_report": True, "entries": [hot]})
    assert mixed.status_code == 422 and mixed.json()["error"]["problems"][0]["field"] == "zero_report"
    empty = client.post(url, json={"report_date": _today(ctx), "zero_report": False})
    assert empty.status_code == 422 and empty.json()["error"]["problems"][0]["field"] == "entries"
    stranger = make_person(ctx, world.city["110105001001"], name="路人")
    bad = client.post(
        url,
        json={
            "report_date": _today(ctx),
            "entries": [
                {"person_id": stranger.id, "temperature": 36.5},
                {"person_id": world.students[1].id, "temperature": 50},
            ],
        },
    )
    problems = bad.json()["error"]["problems"]
    assert bad.status_code == 422 and [(p["field"], p["row"]) for p in problems] == [
        ("person_id", 1),
        ("temperature", 2),
    ]


def test_a_person_placed_by_two_companies_is_a_conflict(ctx, client):
    world = make_unit_world(ctx)
    community = world.city["110105001001"]
    first = make_unit(ctx, community, "甲劳务派遣公司", kind="labour_dispatch")
    second = make_unit(ctx, community, "乙家政公司", kind="housekeeping")
    cleaner = make_person(ctx, community, name="李保洁")
    add_staff(ctx, world.school, cleaner, role="cleaning", via=first)
    add_staff(ctx, world.other_unit, cleaner, role="cleaning", via=second)
    bearer(client, world.officer)
    body = {"report_date": _today(ctx), "entries": [{"person_id": cleaner.id, "temperature": 36.4}]}
    response = client.post(f"/api/unithealth/units/{world.school.id}/reports", json=body)
    assert response.status_code == 422
    assert "more than one dispatch" in response.json()["error"]["problems"][0]["message_en"]


def test_missing_list_for_the_street_and_bulk_reminders(ctx, client, new_client, session):
    world = make_unit_world(ctx)
    officer = bearer(client, world.officer)
    assert (
        officer.post(
            f"/api/unithealth/units/{world.school.id}/reports",
            json={"report_date": _today(ctx), "zero_report": True},
        ).status_code
        == 200
    )
    street = bearer(new_client(), world.street_worker)
    listed = street.get("/api/unithealth/missing", params={"limit": 1})
    assert listed.status_code == 200
    page = listed.json()
    assert [u["id"] for u in page["items"]] == [world.pharmacy.id] and page["next_after"] is None
    assert officer.get("/api/unithealth/missing").status_code == 403
    sent = street.post(
        "/api/unithealth/missing/remind", json={"unit_ids": [world.pharmacy.id], "report_date": _today(ctx)}
    )
    assert sent.status_code == 200 and sent.json()["reminded"] == [world.pharmacy.id]
    job = session.scalar(select(Job).where(Job.kind == "notify").order_by(Job.id.desc()))
    assert job is not None and job.payload["unit_id"] == world.pharmacy.id
    outside = street.post(
        "/api/unithealth/missing/remind", json={"unit_ids": [world.other_unit.id], "report_date": _today(ctx)}
    )
    assert outside.status_code == 404


def test_walls(ctx, client, new_client):
    world = make_unit_world(ctx)
    url = f"/api/unithealth/units/{world.school.id}/reports"
    other = bearer(client, world.other_officer)
    assert other.post(url, json={"report_date": _today(ctx), "zero_report": True}).status_code == 404
    district = bearer(new_client(), world.district)
    assert district.post(url, json={"report_date": _today(ctx), "zero_report": True}).status_code == 403
    other_district = bearer(new_client(), world.other_district)
    street_id = world.city["110105001"].id
    assert (
        other_district.get("/api/unithealth/missing", params={"jurisdiction_id": street_id}).status_code
        == 404
    )
    assert other_district.get(f"{url}/{_today(ctx)}").status_code == 404
    inspector = bearer(new_client(), world.inspector)
    assert inspector.get("/api/unithealth/missing").status_code == 403
