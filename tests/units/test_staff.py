"""Staff lists through the API: add by ID number or person id, conflicting roles, placing companies
(managed at the source), change, leave and rejoin, masked export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.units.events import UnitStaffChanged
from lianfang.units.models import UnitMembership
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.units import add_staff, make_unit


def _setup(ctx, client):
    city = make_city(ctx)
    home = city["110105001001"]
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    return city, home


def test_add_by_id_number_and_list_with_masked_ids(ctx, client, session, runtime):
    _, home = _setup(ctx, client)
    seen = []
    runtime.bus.subscribe(UnitStaffChanged, lambda _ctx, event: seen.append(event))
    unit = make_unit(ctx, home)
    number = valid_id_number()
    person = make_person(ctx, home, name="王五", id_number=number)
    body = {"id_number": number.lower(), "role": "staff", "group_name": "财务科"}
    added = client.post(f"/api/units/{unit.id}/staff", json=body)
    assert added.status_code == 201, added.text
    item = added.json()
    assert item["person_id"] == person.id and item["id_masked"] == person.id_masked and item["start_date"]
    listed = client.get(f"/api/units/{unit.id}/staff").json()
    assert [m["name"] for m in listed["items"]] == ["王五"]
    assert number not in str(listed)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "unit.member_add"))
    assert entry is not None and entry.detail["person_id"] == person.id
    assert seen == [UnitStaffChanged(unit.id, person.id, "added")]


def test_person_lookup_problems(ctx, client):
    city, home = _setup(ctx, client)
    unit = make_unit(ctx, home)
    elsewhere = make_person(ctx, city["110108001001"])
    good = valid_id_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    for body, field, words in [
        ({"role": "staff"}, "id_number", "ID number or a person id"),
        ({"role": "staff", "id_number": bad_check}, "id_number", "check character"),
        ({"role": "staff", "id_number": valid_id_number()}, "id_number", "no such person"),
        ({"role": "staff", "person_id": elsewhere.id}, "person_id", "no such person"),
        ({"role": "staff", "id_number": "E12345678"}, "id_number", "no such person"),
    ]:
        response = client.post(f"/api/units/{unit.id}/staff", json=body)
        assert response.status_code == 422, (body, response.text)
        problem = response.json()["error"]["problems"][0]
        assert problem["field"] == field and words in problem["message_en"], problem


def test_a_person_may_work_in_several_units_but_not_study_and_work_in_one(ctx, client):
    _, home = _setup(ctx, client)
    school = make_unit(ctx, home, kind="school")
    canteen = make_unit(ctx, home, kind="canteen")
    person = make_person(ctx, home)
    assert (
        client.post(
            f"/api/units/{school.id}/staff", json={"person_id": person.id, "role": "student"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/units/{canteen.id}/staff", json={"person_id": person.id, "role": "canteen"}
        ).status_code
        == 201
    )
    conflict = client.post(f"/api/units/{school.id}/staff", json={"person_id": person.id, "role": "teacher"})
    assert conflict.status_code == 422
    assert "both a student and" in conflict.json()["error"]["problems"][0]["message_en"]
    again = client.post(f"/api/units/{school.id}/staff", json={"person_id": person.id, "role": "student"})
    assert again.status_code == 409
    not_a_school = client.post(
        f"/api/units/{canteen.id}/staff", json={"person_id": person.id, "role": "student"}
    )
    assert not_a_school.status_code == 422


def test_placed_staff_are_managed_at_the_source(ctx, client, new_client):
    city, home = _setup(ctx, client)
    hospital = make_unit(ctx, home, name="建外医院", kind="hospital")
    dispatch = make_unit(ctx, city["110108001001"], name="海淀劳务派遣公司", kind="labour_dispatch")
    employer = make_unit(ctx, home, kind="employer")
    person = make_person(ctx, home, name="赵六")
    wrong = client.post(
        f"/api/units/{hospital.id}/staff",
        json={"person_id": person.id, "role": "cleaning", "via_unit_code": employer.code},
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["problems"][0]["field"] == "via_unit_code"
    body = {"person_id": person.id, "role": "cleaning", "via_unit_code": dispatch.code}
    placed = client.post(f"/api/units/{hospital.id}/staff", json=body)
    assert placed.status_code == 201 and placed.json()["via_unit_code"] == dispatch.code
    # The dispatch company is in another district: the district command there sees where its people work.
    other = bearer(new_client(), make_user(ctx, "district_command", city["110108"]))
    placements = other.get(f"/api/units/{dispatch.id}/placements").json()["items"]
    assert [(p["name"], p["unit_name"]) for p in placements] == [("赵六", "建外医院")]


def test_update_end_and_rejoin(ctx, client, session):
    _, home = _setup(ctx, client)
    unit = make_unit(ctx, home)
    membership = add_staff(ctx, unit, make_person(ctx, home))
    url = f"/api/units/{unit.id}/staff/{membership.id}"
    changed = client.put(url, json={"role": "security", "group_name": "夜班"})
    assert changed.status_code == 200 and changed.json()["role"] == "security"
    assert client.put(url, json={"role": "pilot"}).status_code == 422
    ended = client.post(f"{url}/end", json={"end_date": "2030-01-01"})
    assert ended.status_code == 200 and ended.json()["end_date"] == "2030-01-01"
    assert client.post(f"{url}/end").status_code == 409
    assert client.get(f"/api/units/{unit.id}/staff").json()["items"] == []
    assert len(client.get(f"/api/units/{unit.id}/staff?include_ended=true").json()["items"]) == 1
    rejoined = client.post(
        f"/api/units/{unit.id}/staff", json={"person_id": membership.person_id, "role": "staff"}
    )
    assert rejoined.status_code == 201 and rejoined.json()["id"] == membership.id
    assert rejoined.json()["end_date"] is None
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_type == "unit_membership")))
    assert verbs == {"unit.member_add", "unit.member_update", "unit.member_end"}
    other_unit = make_unit(ctx, home)
    assert (
        client.put(f"/api/units/{other_unit.id}/staff/{membership.id}", json={"role": "staff"}).status_code
        == 404
    )


def test_staff_export_masks_ids_and_is_audited(ctx, client, session):
    _, home = _setup(ctx, client)
    unit = make_unit(ctx, home)
    number = valid_id_number()
    add_staff(ctx, unit, make_person(ctx, home, name="钱七", id_number=number), group="一车间")
    exported = client.get(f"/api/units/{unit.id}/staff/export?format=csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert number not in text
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "钱七" and row["id_masked"].startswith(number[:2]) and row["group_name"] == "一车间"
    assert client.get(f"/api/units/{unit.id}/staff/export?format=xlsx").content[:2] == b"PK"
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "unit.staff_export")))
    assert len(entries) == 2 and entries[0].detail["rows"] == 1


def test_staff_pages_are_keyset(ctx, client):
    _, home = _setup(ctx, client)
    unit = make_unit(ctx, home)
    made = [add_staff(ctx, unit, make_person(ctx, home)) for _ in range(3)]
    first = client.get(f"/api/units/{unit.id}/staff?limit=2").json()
    assert [m["id"] for m in first["items"]] == [made[0].id, made[1].id]
    second = client.get(f"/api/units/{unit.id}/staff?limit=2&after={first['next_after']}").json()
    assert [m["id"] for m in second["items"]] == [made[2].id] and second["next_after"] is None
    assert len(list(ctx.session.scalars(select(UnitMembership)))) == 3
