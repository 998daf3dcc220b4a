"""Sick absences with early warnings to the district CDC, rules per unit type, and pharmacy sales that
raise a testing duty (pop-up ④) with the MedicineBuyerFlagged event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date
from lianfang.unithealth.events import MedicineBuyerFlagged
from lianfang.unithealth.models import TestingDuty as Duty
from lianfang.unithealth.pharmacy import service as pharmacy
from tests.factories.accounts import bearer
from tests.factories.people import valid_id_number
from tests.factories.unithealth import make_unit_world


def _absent(client, world, person, day, symptoms=("fever",)):
    body = {"person_id": person.id, "absence_date": day, "symptoms": list(symptoms)}
    return client.post(f"/api/unithealth/units/{world.school.id}/absences", json=body)


def test_three_same_symptom_absences_in_a_class_alert_the_district_cdc(ctx, client, new_client, session):
    world = make_unit_world(ctx)
    bearer(client, world.officer)
    today = local_date(ctx.now).isoformat()
    assert _absent(client, world, world.students[0], today).json()["alerts"] == []
    assert _absent(client, world, world.students[1], today, ("cough",)).json()["alerts"] == []
    assert _absent(client, world, world.students[2], today, ("fever", "cough")).json()["alerts"] == []
    third = _absent(client, world, world.students[3], today)
    assert third.status_code == 201, third.text
    alerts = third.json()["alerts"]
    assert [(a["rule_code"], a["symptom"], a["count"], a["group_name"]) for a in alerts] == [
        ("day3", "fever", 3, "一年级1班")
    ]
    item = session.get(Assignment, alerts[0]["assignment_id"])
    assert (
        item is not None
        and item.owner_group == "cdc"
        and item.owner_jurisdiction_id == world.city["110105"].id
    )
    assert item.kind == "unithealth.absence_alert" and item.deadline > ctx.now
    again = _absent(client, world, world.students[3], today)
    assert again.status_code == 409
    district = bearer(new_client(), world.district)
    assert [a["id"] for a in district.get("/api/unithealth/alerts").json()["items"]] == [alerts[0]["id"]]
    other = bearer(new_client(), world.other_district)
    assert other.get("/api/unithealth/alerts").json()["items"] == []


def test_rules_are_configurable_per_unit_type_and_corrections_keep_history(ctx, client, new_client):
    world = make_unit_world(ctx)
    district = bearer(new_client(), world.district)
    got = district.put("/api/unithealth/rules/school/day3", json={"threshold": 2, "window_days": 1})
    assert got.status_code == 200, got.text
    assert {(r["code"], r["threshold"], r["source"]) for r in got.json()} >= {("day3", 2, "setting")}
    bad = district.put("/api/unithealth/rules/school/day3", json={"threshold": 1, "window_days": 30})
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["error"]["problems"]} == {
        "threshold",
        "window_days",
    }
    officer = bearer(client, world.officer)
    assert (
        officer.put("/api/unithealth/rules/school/day3", json={"threshold": 9, "window_days": 1}).status_code
        == 403
    )
    today = local_date(ctx.now).isoformat()
    first = _absent(officer, world, world.students[0], today)
    assert first.json()["alerts"] == []
    assert len(_absent(officer, world, world.students[1], today).json()["alerts"]) == 1
    corrected = officer.put(
        f"/api/unithealth/absences/{first.json()['absence']['id']}",
        json={"symptoms": ["cough"], "reason": "家长更正症状"},
    )
    assert corrected.status_code == 200 and corrected.json()["version"] == 2
    no_reason = officer.put(
        f"/api/unithealth/absences/{first.json()['absence']['id']}",
        json={"symptoms": ["cough"], "reason": ""},
    )
    assert no_reason.status_code == 422
    yesterday = (local_date(ctx.now) - timedelta(days=1)).isoformat()
    assert _absent(officer, world, world.students[2], yesterday).status_code == 422


def test_a_pharmacy_sale_raises_a_testing_duty_once(ctx, client, new_client, runtime, session):
    world = make_unit_world(ctx)
    flagged: list[MedicineBuyerFlagged] = []
    runtime.bus.subscribe(MedicineBuyerFlagged, lambda _ctx, event: flagged.append(event))
    bearer(client, world.pharmacist)
    url = f"/api/unithealth/units/{world.pharmacy.id}/sales"
    number = valid_id_number()
    body = {
        "client_ref": "R-0001",
        "id_number": number,
        "buyer_name": "赵六",
        "medicine_class": "fever",
        "medicine_name": "布洛芬",
    }
    first = client.post(url, json=body)
    assert first.status_code == 201, first.text
    result = first.json()
    assert result["created"] and result["duty"]["popup"] == "4" and result["duty"]["cleared_at"] is None
    assert result["sale"]["buyer_id_masked"] != number and number not in first.text
    assert len(flagged) == 1 and flagged[0].new_duty
    repeat = client.post(url, json=body)
    assert (
        repeat.status_code == 200
        and not repeat.json()["created"]
        and repeat.json()["sale"]["id"] == result["sale"]["id"]
    )
    clash = client.post(url, json=body | {"medicine_class": "antiviral"})
    assert clash.status_code == 409
    second = client.post(url, json=body | {"client_ref": "R-0002", "medicine_class": "cough"})
    assert second.status_code == 201 and second.json()["duty"]["id"] == result["duty"]["id"]
    assert len(flagged) == 2 and not flagged[1].new_duty
    bad = client.post(
        url, json=body | {"client_ref": "R-3", "id_number": "110105", "medicine_class": "vitamins"}
    )
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["error"]["problems"]} == {
        "medicine_class",
        "id_number",
    }
    school = client.post(f"/api/unithealth/units/{world.school.id}/sales", json=body)
    assert school.status_code == 404
    duty = session.get(Duty, result["duty"]["id"])
    assert duty is not None
    system = ctx.as_actor(SYSTEM)
    assert (
        pharmacy.clear_testing_duties(system, duty.id_hash, duty.started_at - timedelta(hours=1), "test")
        == []
    )
    cleared = pharmacy.clear_testing_duties(
        system, duty.id_hash, duty.started_at + timedelta(hours=1), "核酸阴性"
    )
    assert [d.id for d in cleared] == [duty.id]
    assert session.scalar(select(Duty).where(Duty.cleared_at.is_(None))) is None
    district = bearer(new_client(), world.district)
    assert [s["id"] for s in district.get("/api/unithealth/sales").json()["items"]] == [
        result["sale"]["id"],
        second.json()["sale"]["id"],
    ]
    other = bearer(new_client(), world.other_district)
    assert other.get("/api/unithealth/sales").json()["items"] == []
    assert other.get("/api/unithealth/sales", params={"unit_id": world.pharmacy.id}).status_code == 404
