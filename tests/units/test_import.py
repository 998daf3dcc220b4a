"""Importing units and staff lists: per-row reports naming row and field, dry runs, idempotent re-runs."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.units.models import Unit, UnitMembership
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.units import make_unit, valid_uscc


def _post(client, url, body, name="f.csv"):
    response = client.post(url, files={"file": (name, body.encode() if isinstance(body, str) else body)})
    assert response.status_code == 200, response.text
    return response.json()


def _units_csv(codes):
    return (
        "code,name,kind,community_code,address,contact_name\n"
        f"{codes[0]},建外一厂,工厂,110105001001,建国路1号,张三\n"
        f"{codes[1]},建外小学,school,110105001002,,\n"
        f"{codes[2]},建外药房,药店,110105001001,建国路3号,\n"
    )


def test_units_import_dry_run_then_apply_then_rerun(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    body = _units_csv([valid_uscc(), "LOCAL-0002", valid_uscc()])
    dry = _post(client, "/api/units/import?dry_run=true", body)
    assert (dry["created"], dry["dry_run"]) == (3, True)
    assert session.scalar(select(func.count()).select_from(Unit)) == 0
    first = _post(client, "/api/units/import", body)
    assert (first["created"], first["problems"]) == (3, [])
    factory = session.scalar(select(Unit).where(Unit.name == "建外一厂"))
    assert factory is not None and factory.kind == "factory" and factory.contact_name == "张三"
    again = _post(client, "/api/units/import", body)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = _post(client, "/api/units/import", body.replace("建外小学", "建外第一小学"))
    assert (changed["updated"], changed["unchanged"]) == (1, 2)
    assert session.scalar(select(func.count()).select_from(Unit)) == 3
    assert len(list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "unit.import")))) == 3


def test_units_import_reports_bad_rows_and_applies_good_ones(ctx, client, session):
    city = make_city(ctx)
    outside = make_unit(ctx, city["110108001001"])
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    good = valid_uscc()
    body = (
        "code,name,kind,community_code\n"
        f"{good},好单位,employer,110105001001\n"
        "91350100M000100Y44,坏校验,employer,110105001001\n"
        "LOCAL-9,,employer,110105001001\n"
        "LOCAL-10,坏类型,castle,110105001001\n"
        "LOCAL-11,越界,employer,110108001001\n"
        f"{good},重复,employer,110105001001\n"
        f"{outside.code},抢代码,employer,110105001001\n"
        "LOCAL-12,街道不是社区,employer,110105001\n"
    )
    report = _post(client, "/api/units/import", body)
    assert report["created"] == 1
    assert report["rejected_rows"] == [3, 4, 5, 6, 7, 8, 9]
    fields = {(p["row"], p["field"]) for p in report["problems"]}
    assert fields == {
        (3, "code"),
        (4, "name"),
        (5, "kind"),
        (6, "community_code"),
        (7, "code"),
        (8, "code"),
        (9, "community_code"),
    }
    assert session.scalar(select(Unit).where(Unit.code == good)) is not None
    assert session.scalar(select(Unit).where(Unit.code == "LOCAL-9")) is None


def test_units_import_needs_the_import_permission(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "investigator", city["110000"]))
    response = client.post(
        "/api/units/import", files={"file": ("f.csv", _units_csv(["A", "B", "C"]).encode())}
    )
    assert response.status_code == 403


def _staff_setup(ctx):
    city = make_city(ctx)
    home = city["110105001001"]
    school = make_unit(ctx, home, kind="school", code="SCHOOL-1")
    dispatch = make_unit(ctx, city["110108001001"], kind="housekeeping", code="HK-1")
    numbers = [valid_id_number() for _ in range(3)]
    people = [make_person(ctx, home, id_number=n) for n in numbers]
    return city, school, dispatch, numbers, people


def test_staff_import_and_rerun(ctx, client, session):
    city, school, dispatch, numbers, people = _staff_setup(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    body = (
        "unit_code,id_number,role,group_name,via_unit_code\n"
        f"SCHOOL-1,{numbers[0]},学生,一年级1班,\n"
        f"school-1,{numbers[1]},teacher,,\n"
        f"SCHOOL-1,{numbers[2]},cleaning,,HK-1\n"
    )
    dry = _post(client, "/api/units/staff/import?dry_run=true", body)
    assert dry["created"] == 3 and session.scalar(select(func.count()).select_from(UnitMembership)) == 0
    first = _post(client, "/api/units/staff/import", body)
    assert (first["created"], first["problems"]) == (3, [])
    cleaner = session.scalar(select(UnitMembership).where(UnitMembership.person_id == people[2].id))
    assert cleaner is not None and cleaner.via_unit_id == dispatch.id and cleaner.unit_id == school.id
    again = _post(client, "/api/units/staff/import", body)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    moved = _post(client, "/api/units/staff/import", body.replace("一年级1班", "一年级2班"))
    assert (moved["updated"], moved["unchanged"]) == (1, 2)
    assert session.scalar(select(func.count()).select_from(UnitMembership)) == 3


def test_staff_import_reports_bad_rows(ctx, client, session):
    city, _school, _dispatch, numbers, _people = _staff_setup(ctx)
    make_unit(ctx, city["110108001001"], code="FAR-1")
    make_unit(ctx, city["110105001001"], code="SHOP-1", kind="employer")
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    _post(client, "/api/units/staff/import", f"unit_code,id_number,role\nSCHOOL-1,{numbers[0]},student\n")
    bad_check = numbers[1][:17] + ("0" if numbers[1][17] != "0" else "1")
    body = (
        "unit_code,id_number,role,group_name,via_unit_code\n"
        f"SCHOOL-1,{numbers[1]},staff,,\n"  # 2: good
        f"NOPE,{numbers[2]},staff,,\n"  # 3: unknown unit
        f"FAR-1,{numbers[2]},staff,,\n"  # 4: unit outside the worker's reach
        f"SCHOOL-1,{bad_check},staff,,\n"  # 5: bad ID number
        f"SCHOOL-1,{numbers[2]},boss,,\n"  # 6: bad role
        f"SHOP-1,{numbers[2]},student,,\n"  # 7: students belong to schools
        f"SCHOOL-1,{numbers[2]},cleaning,,SHOP-1\n"  # 8: not a placing company
        f"SCHOOL-1,{numbers[0]},teacher,,\n"  # 9: a student cannot also teach there
        f"SCHOOL-1,{numbers[1]},staff,,\n"  # 10: same person twice for one unit
        f"SCHOOL-1,{valid_id_number()},staff,,\n"  # 11: not in the registry
    )
    report = _post(client, "/api/units/staff/import", body)
    assert report["created"] == 1
    fields = {(p["row"], p["field"]) for p in report["problems"]}
    assert fields == {
        (3, "unit_code"),
        (4, "unit_code"),
        (5, "id_number"),
        (6, "role"),
        (7, "role"),
        (8, "via_unit_code"),
        (9, "role"),
        (10, "id_number"),
        (11, "id_number"),
    }
    assert session.scalar(select(func.count()).select_from(UnitMembership)) == 2


def test_staff_import_from_excel(ctx, client, session):
    city, _school, _dispatch, numbers, _people = _staff_setup(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001001"]))
    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "id_number", "role"])
    sheet.append(["SCHOOL-1", numbers[0], "student"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _post(client, "/api/units/staff/import", buffer.getvalue(), "staff.xlsx")
    assert report["created"] == 1
    assert session.scalar(select(func.count()).select_from(UnitMembership)) == 1


def test_malformed_files_are_rejected_with_a_message(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    response = client.post("/api/units/staff/import", files={"file": ("f.csv", b"foo,bar\n1,2\n")})
    assert response.status_code == 422 and "unit_code" in response.json()["error"]["message_en"]
    response = client.post("/api/units/import", files={"file": ("f.pdf", b"%PDF")})
    assert response.status_code == 422
