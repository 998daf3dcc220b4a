"""Units through the API: create, edit, deactivate, search with keyset pages, officers, export; audit."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.units.events import UnitDeactivated
from lianfang.units.models import Unit, UnitOfficer
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city
from tests.factories.units import make_unit, valid_uscc


def _audit(session, verb):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.verb == verb)))


def test_worker_registers_a_unit_with_a_credit_code(ctx, client, session):
    city = make_city(ctx)
    community = city["110105001001"]
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    code = valid_uscc()
    body = {
        "code": code.lower(),
        "name": "朝阳科技有限公司",
        "kind": "employer",
        "community_id": community.id,
    }
    response = client.post("/api/units", json=body | {"address": "建国路88号", "contact_name": "李四"})
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["code"] == code and made["jurisdiction_path"] == community.path and made["active"]
    entry = _audit(session, "unit.create")[0]
    assert entry.subject_id == str(made["id"]) and entry.jurisdiction_path == community.path


def test_bad_input_names_every_field(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    body = {"code": "91350100M000100Y44", "name": " ", "kind": "castle", "community_id": city["110105001"].id}
    response = client.post("/api/units", json=body)
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert {p["field"] for p in problems} == {"code", "name", "kind", "community_id"}
    assert any("校验位" in p["message"] for p in problems)
    # A community in another street is outside this worker's reach.
    body = {"code": "LOCAL-1", "name": "x", "kind": "school", "community_id": city["110105002001"].id}
    response = client.post("/api/units", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "community_id"


def test_codes_are_unique(ctx, client):
    city = make_city(ctx)
    unit = make_unit(ctx, city["110108001001"])
    bearer(client, make_user(ctx, "community_worker", city["110105001001"]))
    body = {"code": unit.code, "name": "重复", "kind": "employer", "community_id": city["110105001001"].id}
    response = client.post("/api/units", json=body)
    assert response.status_code == 422
    assert "already registered" in response.json()["error"]["problems"][0]["message_en"]


def test_edit_keeps_the_code_and_audits_before_and_after(ctx, client, session):
    city = make_city(ctx)
    unit = make_unit(ctx, city["110105001001"], name="旧名称")
    bearer(client, make_user(ctx, "district_command", city["110105"]))
    body = {
        "name": "新名称",
        "kind": "factory",
        "community_id": city["110105002001"].id,
        "address": "朝外1号",
    }
    response = client.put(f"/api/units/{unit.id}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["code"] == unit.code
    assert response.json()["jurisdiction_path"] == city["110105002001"].path
    entry = _audit(session, "unit.update")[0]
    assert entry.detail["before"]["name"] == "旧名称" and entry.detail["after"]["kind"] == "factory"


def test_deactivate_and_reactivate(ctx, client, session, runtime):
    city = make_city(ctx)
    unit = make_unit(ctx, city["110105001001"])
    seen = []
    runtime.bus.subscribe(UnitDeactivated, lambda _ctx, event: seen.append(event))
    bearer(client, make_user(ctx, "community_worker", city["110105001001"]))
    assert client.post(f"/api/units/{unit.id}/deactivate").json()["active"] is False
    assert client.post(f"/api/units/{unit.id}/deactivate").status_code == 409
    assert client.post(f"/api/units/{unit.id}/activate").json()["active"] is True
    assert [e.unit_id for e in seen] == [unit.id]
    assert len(_audit(session, "unit.deactivate")) == 1 and len(_audit(session, "unit.activate")) == 1


def test_search_filters_and_keyset_pages(ctx, client):
    city = make_city(ctx)
    a, b = city["110105001001"], city["110105001002"]
    made = [make_unit(ctx, a, name=f"建外商店{i}") for i in range(3)]
    school = make_unit(ctx, b, name="建外小学", kind="school")
    make_unit(ctx, city["110108001001"], name="建外远方")  # another district
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    first = client.get("/api/units?q=建外&limit=2").json()
    assert [u["id"] for u in first["items"]] == [made[0].id, made[1].id]
    second = client.get(f"/api/units?q=建外&limit=2&after={first['next_after']}").json()
    assert [u["id"] for u in second["items"]] == [made[2].id, school.id]
    assert second["next_after"] is None
    assert [u["id"] for u in client.get("/api/units?kind=school").json()["items"]] == [school.id]
    assert len(client.get(f"/api/units?community_id={a.id}").json()["items"]) == 3
    assert client.get(f"/api/units?q={school.code}").json()["items"][0]["id"] == school.id
    assert client.get("/api/units?q=%25").json()["items"] == []  # LIKE wildcards are literal


def test_officer_link_and_unlink(ctx, client, session):
    city = make_city(ctx)
    unit = make_unit(ctx, city["110105001001"])
    officer = make_user(ctx, "unit_officer", city["110105001001"])
    lab = make_user(ctx, "lab", city["110105001001"])
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    linked = client.post(f"/api/units/{unit.id}/officers", json={"user_id": officer.id})
    assert linked.status_code == 201 and linked.json()[0]["username"] == officer.username
    assert client.post(f"/api/units/{unit.id}/officers", json={"user_id": officer.id}).status_code == 409
    wrong_role = client.post(f"/api/units/{unit.id}/officers", json={"user_id": lab.id})
    assert wrong_role.status_code == 422 and wrong_role.json()["error"]["problems"][0]["field"] == "user_id"
    assert client.get(f"/api/units/{unit.id}/officers").json()[0]["id"] == officer.id
    assert client.delete(f"/api/units/{unit.id}/officers/{officer.id}").status_code == 204
    assert client.delete(f"/api/units/{unit.id}/officers/{officer.id}").status_code == 404
    assert session.scalar(select(UnitOfficer)) is None
    assert len(_audit(session, "unit.officer_link")) == 1 and len(_audit(session, "unit.officer_unlink")) == 1


def test_export_round_trips_through_import(ctx, client, session):
    city = make_city(ctx)
    make_unit(ctx, city["110105001001"], name="甲单位")
    make_unit(ctx, city["110105001002"], name="乙单位", kind="clinic")
    make_unit(ctx, city["110108001001"], name="丙单位")
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    exported = client.get("/api/units/export?format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows) == ["乙单位", "甲单位"]
    assert {r["community_code"] for r in rows} == {"110105001001", "110105001002"}
    xlsx = client.get("/api/units/export?format=xlsx")
    report = client.post("/api/units/import", files={"file": ("back.xlsx", xlsx.content)}).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    assert session.scalar(select(Unit).where(Unit.name == "丙单位")) is not None
