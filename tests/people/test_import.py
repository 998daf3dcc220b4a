"""Import from CSV and Excel: a per-row report naming row and field, valid rows applied in full, dry runs
that write nothing, re-imports that change nothing, and the scope wall."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.people.models import Household, Person
from tests.factories.people import make_person, valid_id_number
from tests.people.world import A2, A, B, make_world, signed_in

HEADER = "name,id_kind,id_number,phone,community_code,household_code,address,nationality\n"


def _count(session, model) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _post(client, body: str | bytes, name: str = "people.csv", dry_run: bool = False):
    content = body.encode() if isinstance(body, str) else body
    params = {"dry_run": "true"} if dry_run else {}
    return client.post("/api/people/import", params=params, files={"file": (name, content)})


def _good_file() -> tuple[str, list[str]]:
    numbers = [valid_id_number() for _ in range(3)]
    body = (
        HEADER
        + f"王一,resident_id,{numbers[0]},13900001001,{A},H1,1号楼,\n"
        + f"王二,,{numbers[1]},,{A},H1,1号楼,\n"
        + f"王三,身份证,{numbers[2]},13900001003,{A2},,,\n"
        + f"Anna Berg,passport,p1234567,,{A},,,SWE\n"
    )
    return body, numbers


def test_good_and_bad_rows_are_reported_by_row_and_field(ctx, client, session):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.chaoyang)
    good = valid_id_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    body = (
        HEADER
        + f"好人,,{good},13900002001,{A},,,\n"  # row 2
        + f"错校验,,{bad_check},,{A},,,\n"  # row 3
        + f"无社区,,{valid_id_number()},,999999999999,,,\n"  # row 4
        + f"坏手机,,{valid_id_number()},12345,{A},,,\n"  # row 5
        + f"重复,,{good},,{A},,,\n"  # row 6
        + f"越界,,{valid_id_number()},,{B},,,\n"  # row 7
        + f",,{valid_id_number()},,{A},,,\n"  # row 8
        + f"街道,,{valid_id_number()},,110105001,,,\n"  # row 9
        + f"坏类型,driving,{valid_id_number()},,{A},,,\n"  # row 10
    )
    report = _post(client, body).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 0, 0)
    assert report["rejected_rows"] == [3, 4, 5, 6, 7, 8, 9, 10]
    fields = {(p["row"], p["field"]) for p in report["problems"]}
    assert fields == {
        (3, "id_number"),
        (4, "community_code"),
        (5, "phone"),
        (6, "id_number"),
        (7, "community_code"),
        (8, "name"),
        (9, "community_code"),
        (10, "id_kind"),
    }
    messages = {p["row"]: p["message_en"] for p in report["problems"]}
    assert "row 2" in messages[6] and "outside your jurisdiction" in messages[7]
    assert _count(session, Person) == 1
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.verb == "person.import"))
    assert entry.detail["created"] == 1 and entry.detail["rejected_rows"] == 8


def test_dry_run_writes_nothing_and_reimport_creates_nothing(ctx, client, session):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.chaoyang)
    body, _ = _good_file()
    dry = _post(client, body, dry_run=True).json()
    assert (dry["created"], dry["dry_run"]) == (4, True)
    assert _count(session, Person) == 0 and _count(session, Household) == 0
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb.like("person.%"))) is None
    first = _post(client, body).json()
    assert (first["created"], first["problems"]) == (4, [])
    assert _count(session, Person) == 4 and _count(session, Household) == 1
    h1 = session.scalar(select(Household).where(Household.code == "H1"))
    assert h1 is not None and h1.community_id == w.a.id
    members = session.scalars(select(Person).where(Person.household_id == h1.id))
    assert {p.name for p in members} == {"王一", "王二"}
    again = _post(client, body).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert _count(session, Person) == 4 and _count(session, Household) == 1
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb == "person.update")) is None


def test_existing_people_in_scope_are_updated_and_empty_cells_keep_values(ctx, client, session):
    w = make_world(ctx)
    number = valid_id_number()
    person = make_person(ctx, w.a, name="旧名", id_number=number, phone="13900003001")
    person.address = "旧地址"
    signed_in(ctx, client, "community_worker", w.chaoyang)
    report = _post(client, HEADER + f"新名,,{number},,{A2},,,\n").json()
    assert (report["updated"], report["created"], report["problems"]) == (1, 0, [])
    session.refresh(person)
    assert (person.name, person.jurisdiction_path) == ("新名", w.a2.path)
    assert person.address == "旧地址" and person.phone_masked == "139****3001"
    update = session.scalar(select(AuditEntry).where(AuditEntry.verb == "person.update"))
    assert update is not None and update.detail["source"] == "import:people.csv"
    assert update.detail["before"]["name"] == "旧名" and update.detail["after"]["community_id"] == w.a2.id
    again = _post(client, HEADER + f"新名,,{number},,{A2},,,\n").json()
    assert (again["updated"], again["unchanged"]) == (0, 1)


def test_a_person_registered_in_another_jurisdiction_is_a_row_error(ctx, client, session):
    w = make_world(ctx)
    number = valid_id_number()
    make_person(ctx, w.b, name="海淀人", id_number=number)
    signed_in(ctx, client, "community_worker", w.a)
    report = _post(client, HEADER + f"抢登,,{number},,{A},,,\n").json()
    assert report["rejected_rows"] == [2]
    (problem,) = report["problems"]
    assert problem["field"] == "id_number" and problem["message_en"] == "registered in another jurisdiction"
    assert session.scalar(select(Person.name).where(Person.jurisdiction_path == w.b.path)) == "海淀人"


def test_a_worker_cannot_import_into_another_community(ctx, client, session):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    report = _post(client, HEADER + f"外社区,,{valid_id_number()},,{A2},,,\n").json()
    assert report["created"] == 0 and report["problems"][0]["field"] == "community_code"
    assert _count(session, Person) == 0


def test_excel_import_with_only_the_required_columns(ctx, client, session):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "id_number", "community_code"])
    sheet.append(["赵一", valid_id_number(), int(A)])  # a community code typed as a number
    sheet.append(["赵二", "123", A])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _post(client, buffer.getvalue(), name="people.xlsx").json()
    assert report["created"] == 1 and report["rejected_rows"] == [3]
    assert report["problems"][0]["field"] == "id_number"
    assert session.scalar(select(Person.name)) == "赵一"


def test_malformed_files_get_a_clear_message(ctx, client):
    w = make_world(ctx)
    signed_in(ctx, client, "community_worker", w.a)
    missing = _post(client, "name,phone\n张三,13900000000\n")
    assert missing.status_code == 422
    assert "id_number" in missing.json()["error"]["message_en"]
    assert missing.json()["error"]["problems"][0]["field"] == "file"
    assert _post(client, b"%PDF-1.4", name="people.pdf").status_code == 422
    assert _post(client, b"not a zip", name="people.xlsx").status_code == 422
    assert _post(client, b"\xff\xfe\x00bad", name="people.csv").status_code == 422
