"""The registry through the API: registration, corrections, reveal, search, households, audit rows."""

from __future__ import annotations

from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.core.crypto import vault
from lianfang.people.models import Household, Person
from lianfang.people.rules import id_hash, phone_hash
from tests.factories.people import make_person, valid_id_number
from tests.people.world import A2, A, B, make_world, signed_in

NUMBER = "11010519491231002X"


def _audit(session, verb: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.verb == verb).order_by(AuditEntry.id)))


def test_register_stores_the_number_sealed_and_hashed_and_shows_it_masked(ctx, client, session, settings):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    body = {"name": "王小明", "id_number": NUMBER.lower(), "phone": "+86 139-1234-5678", "community_code": A}
    response = client.post("/api/people", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["id_masked"] == "11**************2X" and data["phone_masked"] == "139****5678"
    assert (data["birth_date"], data["sex"], data["nationality"]) == ("1949-12-31", "F", "CHN")
    assert "id_number" not in data and NUMBER not in response.text
    person = session.get(Person, data["id"])
    assert person is not None and person.jurisdiction_path == w.a.path
    assert NUMBER not in person.id_sealed and vault(settings).open(person.id_sealed) == NUMBER
    assert person.id_hash == id_hash(settings, "resident_id", NUMBER)
    assert person.phone_hash == phone_hash(settings, "13912345678")
    assert len(person.pseudonym) >= 20
    (entry,) = _audit(session, "person.create")
    assert entry.subject_id == str(person.id) and entry.jurisdiction_path == w.a.path
    assert NUMBER not in str(entry.detail)


def test_bad_input_is_422_naming_each_field(ctx, client):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    body = {"name": "", "id_number": "110105194912310021", "phone": "12345", "community_code": "110105001"}
    response = client.post("/api/people", json=body)
    assert response.status_code == 422
    problems = {p["field"]: p for p in response.json()["error"]["problems"]}
    assert set(problems) == {"name", "id_number", "phone", "community_code"}
    assert "check character" in problems["id_number"]["message_en"]
    assert "校验位" in problems["id_number"]["message"]
    assert "not a community" in problems["community_code"]["message_en"]
    unknown = client.post("/api/people", json={"name": "x", "id_number": NUMBER, "community_code": "999"})
    assert unknown.json()["error"]["problems"][0]["field"] == "community_code"
    passport = {"name": "John", "id_kind": "passport", "id_number": "E1", "community_id": w.a.id}
    assert client.post("/api/people", json=passport).json()["error"]["problems"][0]["field"] == "id_number"


def test_a_passport_holder_has_no_derived_birth_date(ctx, client):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    body = {"name": "John Smith", "id_kind": "passport", "id_number": "e1234567", "community_id": w.a.id}
    data = client.post("/api/people", json={**body, "nationality": "gbr"}).json()
    assert (data["id_masked"], data["birth_date"], data["nationality"]) == ("E1****67", None, "GBR")
    # The same number as a resident ID kind would be another document; as a passport it is a duplicate.
    assert client.post("/api/people", json=body).status_code == 409


def test_duplicate_registration_is_409_with_the_field(ctx, client, session):
    w = make_world(ctx)
    make_person(ctx, w.a, id_number=NUMBER)
    signed_in(ctx, client, "community_worker", w.a)
    response = client.post("/api/people", json={"name": "重复", "id_number": NUMBER, "community_code": A})
    assert response.status_code == 409
    assert response.json()["error"]["problems"][0]["field"] == "id_number"
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_corrections_are_audited_with_before_and_after(ctx, client, session, settings):
    w = make_world(ctx)
    person = make_person(ctx, w.a, name="李四", phone="13900000001")
    signed_in(ctx, client, "community_worker", w.chaoyang)
    new_number = valid_id_number()
    response = client.patch(
        f"/api/people/{person.id}",
        json={"name": "李思", "phone": "13900000002", "id_number": new_number, "community_code": A2},
    )
    assert response.status_code == 200, response.text
    assert response.json()["id_masked"].endswith(new_number[-2:])
    session.refresh(person)
    assert person.jurisdiction_path == w.a2.path and vault(settings).open(person.id_sealed) == new_number
    (entry,) = _audit(session, "person.update")
    assert entry.detail["before"]["name"] == "李四" and entry.detail["after"]["name"] == "李思"
    assert entry.detail["before"]["phone_masked"] == "139****0001"
    assert entry.detail["after"]["community_id"] == w.a2.id
    old = entry.detail["before"]["id_sealed"]
    assert vault(settings).open(old) != new_number  # the previous number stays recoverable
    nothing = client.patch(f"/api/people/{person.id}", json={"name": "李思"})
    assert nothing.status_code == 200 and len(_audit(session, "person.update")) == 1
    bad = client.patch(f"/api/people/{person.id}", json={"phone": "123", "name": "改名"})
    assert bad.status_code == 422
    session.refresh(person)
    assert person.name == "李思"  # nothing is written when any field is wrong


def test_reveal_returns_full_numbers_and_is_audited(ctx, client, session):
    w = make_world(ctx)
    person = make_person(ctx, w.a, id_number=NUMBER, phone="13900000003")
    signed_in(ctx, client, "community_worker", w.a)
    assert NUMBER not in client.get(f"/api/people/{person.id}").text
    response = client.post(f"/api/people/{person.id}/reveal")
    assert response.json() == {"id_number": NUMBER, "phone": "13900000003"}
    (entry,) = _audit(session, "person.reveal_id")
    assert entry.subject_id == str(person.id) and entry.actor_label.startswith("communityworker")


def test_search_by_name_number_phone_and_community_with_keyset_pages(ctx, client):
    w = make_world(ctx)
    zhang = [make_person(ctx, w.a, name=f"张{i}") for i in range(5)]
    li = make_person(ctx, w.a2, name="李明", id_number=NUMBER, phone="13700000000")
    make_person(ctx, w.b, name="张海淀")
    signed_in(ctx, client, "district_command", w.chaoyang)
    first = client.get("/api/people", params={"q": "张", "limit": 2}).json()
    assert [p["id"] for p in first["items"]] == [zhang[0].id, zhang[1].id]
    ids = [p["id"] for p in first["items"]]
    after = first["next_after"]
    while after is not None:
        page = client.get("/api/people", params={"q": "张", "limit": 2, "after": after}).json()
        ids += [p["id"] for p in page["items"]]
        after = page["next_after"]
    assert ids == [p.id for p in zhang]  # 张海淀 lives in another district
    by_number = client.get("/api/people", params={"id_number": NUMBER.lower()}).json()["items"]
    assert [p["id"] for p in by_number] == [li.id]
    posted = client.post("/api/people/search", json={"id_number": NUMBER, "q": "李"}).json()
    assert [p["id"] for p in posted["items"]] == [li.id] and posted["next_after"] is None
    by_phone = client.get("/api/people", params={"phone": "137 0000 0000"}).json()["items"]
    assert [p["id"] for p in by_phone] == [li.id]
    here = client.get("/api/people", params={"community_code": A2}).json()["items"]
    assert [p["id"] for p in here] == [li.id]
    assert client.get("/api/people", params={"community_code": B}).status_code == 422
    assert (
        client.get("/api/people", params={"phone": "abc"}).json()["error"]["problems"][0]["field"] == "phone"
    )


def test_households_by_code_within_a_community(ctx, client, session):
    w = make_world(ctx)
    one, two = make_person(ctx, w.a), make_person(ctx, w.a)
    elsewhere = make_person(ctx, w.a2)
    signed_in(ctx, client, "community_worker", w.chaoyang)
    created = client.post(
        "/api/households", json={"community_id": w.a.id, "code": "H-001", "address": "1号楼"}
    )
    assert created.status_code == 201, created.text
    again = client.post("/api/households", json={"community_id": w.a.id, "code": "H-001"})
    assert again.status_code == 409
    # The same code is free in another community.
    assert client.post("/api/households", json={"community_id": w.a2.id, "code": "H-001"}).status_code == 201
    household_id = created.json()["id"]
    assert (
        client.put(f"/api/people/{one.id}/household", json={"household_id": household_id}).status_code == 200
    )
    by_code = client.put(f"/api/people/{two.id}/household", json={"code": "H-001"})
    assert by_code.json()["id"] == household_id
    wrong = client.put(f"/api/people/{elsewhere.id}/household", json={"household_id": household_id})
    assert wrong.status_code == 422
    detail = client.get(f"/api/households/{household_id}").json()
    assert {m["id"] for m in detail["members"]} == {one.id, two.id}
    listed = client.get("/api/households", params={"community_id": w.a.id}).json()
    assert [h["code"] for h in listed["items"]] == ["H-001"]
    assert client.delete(f"/api/people/{two.id}/household").status_code == 204
    session.refresh(two)
    assert two.household_id is None
    assert len(_audit(session, "household.create")) == 2
    assert session.scalar(select(func.count()).select_from(Household)) == 2


def test_export_is_masked_unless_revealed_and_every_export_is_audited(ctx, client, session):
    w = make_world(ctx)
    make_person(ctx, w.a, name="甲", id_number=NUMBER, phone="13900000004")
    make_person(ctx, w.b, name="乙")
    signed_in(ctx, client, "community_worker", w.a)
    masked = client.get("/api/people/export", params={"format": "csv"})
    assert masked.status_code == 200
    text = masked.content.decode("utf-8-sig")
    assert "11**************2X" in text and NUMBER not in text and "乙" not in text
    assert text.splitlines()[0].startswith("name,id_kind,id_number,phone,community_code")
    full = client.get("/api/people/export", params={"format": "csv", "reveal": "true"}).content.decode(
        "utf-8-sig"
    )
    assert NUMBER in full and "13900000004" in full
    assert _audit(session, "person.export")[0].detail["rows"] == 1
    (revealed,) = _audit(session, "person.reveal_id")
    assert revealed.detail["revealed"] is True and revealed.detail["rows"] == 1
    xlsx = client.get("/api/people/export", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
