"""Unit pages end to end: every page renders, every form posts (with CSRF) and changes the database."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.units.models import Unit, UnitMembership, UnitOfficer
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.units import add_staff, make_unit, valid_uscc

SRC = Path(__file__).resolve().parents[2] / "src" / "lianfang"


def _signed_in(ctx, client, role="community_worker", home="110105001"):
    city = make_city(ctx)
    page_login(client, make_user(ctx, role, city[home]))
    return city, csrf_of(client, "/units/new" if role != "unit_officer" else "/units")


def test_list_search_and_pager(ctx, client, runtime, monkeypatch):
    city, _ = _signed_in(ctx, client)
    monkeypatch.setattr(runtime.settings, "page_size", 2)
    for i in range(3):
        make_unit(ctx, city["110105001001"], name=f"建外单位{i}")
    page = client.get("/units?q=建外")
    assert page.status_code == 200 and "建外单位0" in page.text and "建外单位2" not in page.text
    assert "after=" in page.text
    after = re.search(r'href="(/units\?[^"]*after=\d+)"', page.text)
    assert after is not None
    second = client.get(after.group(1).replace("&amp;", "&"))
    assert "建外单位2" in second.text and "建外单位0" not in second.text
    english = client.get("/units?lang=en")
    assert "Register a unit" in english.text and "Employer" in english.text
    assert "登记单位" in client.get("/units?lang=zh_CN").text


def test_register_a_unit_by_form(ctx, client, session):
    city, token = _signed_in(ctx, client)
    community = city["110105001002"]
    code = valid_uscc()
    form = {"csrf_token": token, "code": code, "name": "建外医院", "kind": "hospital"}
    response = client.post(
        "/units/new", data=form | {"community_id": str(community.id)}, follow_redirects=False
    )
    assert response.status_code == 303
    unit = session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None and unit.jurisdiction_path == community.path
    assert response.headers["location"] == f"/units/{unit.id}"
    view = client.get(f"/units/{unit.id}")
    assert view.status_code == 200 and "建外医院" in view.text and "医院" in view.text
    bad = client.post(
        "/units/new", data=form | {"community_id": str(community.id), "code": "91350100M000100Y44"}
    )
    assert bad.status_code == 422 and "校验位" in bad.text and 'value="建外医院"' in bad.text
    no_csrf = client.post("/units/new", data={"code": "X-1", "name": "x", "kind": "other"})
    assert no_csrf.status_code == 403


def test_edit_and_deactivate_by_form(ctx, client, session):
    city, token = _signed_in(ctx, client)
    unit = make_unit(ctx, city["110105001001"], name="旧名")
    form = {"csrf_token": token, "name": "新名", "kind": "pharmacy", "community_id": str(unit.community_id)}
    assert client.post(f"/units/{unit.id}", data=form, follow_redirects=False).status_code == 303
    bad = client.post(f"/units/{unit.id}", data=form | {"name": ""})
    assert bad.status_code == 422 and "单位名称不能为空" in bad.text
    off = client.post(f"/units/{unit.id}/active", data={"csrf_token": token, "active": "false"})
    assert off.status_code == 200 and "已停用" in off.text
    twice = client.post(f"/units/{unit.id}/active", data={"csrf_token": token, "active": "false"})
    assert twice.status_code == 409
    session.expire_all()
    stored = session.get(Unit, unit.id)
    assert stored is not None and (stored.name, stored.kind, stored.active) == ("新名", "pharmacy", False)


def test_staff_forms(ctx, client, session):
    city, token = _signed_in(ctx, client)
    home = city["110105001001"]
    unit = make_unit(ctx, home, kind="school")
    dispatch = make_unit(ctx, city["110108001001"], kind="cleaning", name="远方保洁公司")
    number = valid_id_number()
    person = make_person(ctx, home, name="孙八", id_number=number)
    form = {"csrf_token": token, "id_number": number, "role": "teacher", "group_name": "初一"}
    added = client.post(f"/units/{unit.id}/staff", data=form, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].endswith("#staff")
    membership = session.scalar(select(UnitMembership).where(UnitMembership.person_id == person.id))
    assert membership is not None and membership.role == "teacher" and membership.group_name == "初一"
    view = client.get(f"/units/{unit.id}")
    assert "孙八" in view.text and person.id_masked in view.text and number not in view.text
    duplicate = client.post(f"/units/{unit.id}/staff", data=form | {"role": "student"})
    assert duplicate.status_code == 422 and "既是学生" in duplicate.text
    bad_date = client.post(f"/units/{unit.id}/staff", data=form | {"start_date": "someday"})
    assert bad_date.status_code == 422 and "YYYY-MM-DD" in bad_date.text
    update = {"csrf_token": token, "role": "cleaning", "group_name": "", "via_unit_code": dispatch.code}
    url = f"/units/{unit.id}/staff/{membership.id}"
    assert client.post(url, data=update, follow_redirects=False).status_code == 303
    assert client.post(url, data=update | {"via_unit_code": unit.code}).status_code == 422
    assert client.post(f"{url}/end", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.post(f"{url}/end", data={"csrf_token": token}).status_code == 409
    session.expire_all()
    stored = session.get(UnitMembership, membership.id)
    assert stored is not None and stored.via_unit_id == dispatch.id and stored.end_date is not None


def test_placing_company_page_shows_where_its_people_work(ctx, client):
    city, _ = _signed_in(ctx, client, "district_command", "110105")
    company = make_unit(ctx, city["110105002001"], kind="housekeeping", name="好帮手家政")
    client_unit = make_unit(ctx, city["110105001001"], name="建外写字楼物业")
    add_staff(
        ctx, client_unit, make_person(ctx, city["110105001001"], name="周九"), "housekeeper", via=company
    )
    page = client.get(f"/units/{company.id}")
    assert "本单位派驻到其他单位的人员" in page.text and "周九" in page.text and "建外写字楼物业" in page.text
    assert company.code in client.get(f"/units/{client_unit.id}").text


def test_officer_forms(ctx, client, session):
    city, token = _signed_in(ctx, client)
    unit = make_unit(ctx, city["110105001001"])
    officer = make_user(ctx, "unit_officer", city["110105001001"], username="officer-jw")
    linked = client.post(f"/units/{unit.id}/officers", data={"csrf_token": token, "username": "officer-jw"})
    assert linked.status_code == 200 and "officer-jw" in linked.text
    assert session.scalar(select(UnitOfficer).where(UnitOfficer.user_id == officer.id)) is not None
    unknown = client.post(f"/units/{unit.id}/officers", data={"csrf_token": token, "username": "nobody"})
    assert unknown.status_code == 422 and "找不到该账号" in unknown.text
    unlink = client.post(f"/units/{unit.id}/officers/{officer.id}/unlink", data={"csrf_token": token})
    assert unlink.status_code == 200 and session.scalar(select(UnitOfficer)) is None


def test_officer_sees_own_unit_pages(ctx, client, new_client):
    city = make_city(ctx)
    unit = make_unit(ctx, city["110108001001"], name="海淀某公司")
    officer = make_user(ctx, "unit_officer", city["110105001001"])
    admin = page_login(new_client(), make_user(ctx, "admin", city["110000"]))
    form = {"csrf_token": csrf_of(admin, "/units/new"), "username": officer.username}
    assert admin.post(f"/units/{unit.id}/officers", data=form).status_code == 200
    page_login(client, officer)
    assert "海淀某公司" in client.get("/units").text
    view = client.get(f"/units/{unit.id}")
    assert view.status_code == 200 and 'id="add-staff"' in view.text and "单位健康专员" in view.text
    assert client.get("/units/new").status_code == 403
    assert client.get("/units/import").status_code == 200


def test_import_pages(ctx, client, session):
    city, token = _signed_in(ctx, client)
    assert "导入单位" in client.get("/units/import").text
    code = valid_uscc()
    rows = [f"{code},页面导入,employer,110105001001", "BAD CODE!,x,employer,110105001001"]
    body = "code,name,kind,community_code\n" + "\n".join(rows) + "\n"
    files = {"file": ("u.csv", body.encode(), "text/csv")}
    dry = client.post(
        "/units/import", data={"csrf_token": token, "what": "units", "dry_run": "true"}, files=files
    )
    assert dry.status_code == 200 and "检查结果" in dry.text and session.scalar(select(Unit)) is None
    done = client.post("/units/import", data={"csrf_token": token, "what": "units"}, files=files)
    assert done.status_code == 200 and "导入结果" in done.text and "第3行" in done.text
    assert session.scalar(select(Unit).where(Unit.code == code)) is not None
    number = valid_id_number()
    make_person(ctx, city["110105001001"], id_number=number)
    staff_file = {"file": ("s.csv", f"unit_code,id_number,role\n{code},{number},staff\n".encode())}
    staffed = client.post("/units/import", data={"csrf_token": token, "what": "staff"}, files=staff_file)
    assert staffed.status_code == 200 and session.scalar(select(UnitMembership)) is not None
    broken = client.post(
        "/units/import", data={"csrf_token": token, "what": "staff"}, files={"file": ("x.pdf", b"%")}
    )
    assert broken.status_code == 422 and ".csv" in broken.text
    verbs = set(session.scalars(select(AuditEntry.verb)))
    assert {"unit.import", "unit.staff_import"} <= verbs


def _msgids(folder: Path) -> set[str]:
    """Messages of the templates in `folder` (the shared macros' own messages live in messages.po)."""
    method_map = [("**.html", "jinja2.ext:babel_extract")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    found: set[str] = set()
    for _name, _line, message, _comments, _context in extract_from_dir(str(folder), method_map, options):
        found |= {m for m in (message if isinstance(message, tuple) else (message,)) if m}
    return found


def test_every_msgid_of_the_unit_and_venue_templates_is_in_their_catalogs():
    for module in ("units", "venues"):
        path = SRC / "locale" / "zh_CN" / "LC_MESSAGES" / f"{module}.po"
        with path.open("rb") as handle:
            catalog = {m.id: m.string for m in read_po(handle, locale="zh_CN") if m.id}
        missing = {m for m in _msgids(SRC / "templates" / module) if not catalog.get(m)}
        assert not missing, (module, missing)
