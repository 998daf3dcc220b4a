"""The registry pages: search with a next-page link, register, view with "show full ID", correct,
households, import report, export, and a resident's /me."""

from __future__ import annotations

import re

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.people.models import Household, Person
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.people import make_person, resident_code, valid_id_number
from tests.people.world import A2, A, make_world

NUMBER = "11010519491231002X"


def _staff(ctx, client, role, home):
    page_login(client, make_user(ctx, role, home))
    return csrf_of(client, "/people")


def test_list_page_searches_and_links_the_next_page(ctx, client):
    w = make_world(ctx)
    people = [make_person(ctx, w.a, name=f"张{i:02d}") for i in range(51)]
    make_person(ctx, w.a, name="李四", phone="13722223333")
    csrf = _staff(ctx, client, "community_worker", w.a)
    page = client.get("/people", params={"q": "张"})
    assert page.status_code == 200
    assert "张00" in page.text and "张49" in page.text and "张50" not in page.text and "李四" not in page.text
    assert people[0].id_masked in page.text
    link = re.search(r'href="(/people\?[^"]+)"', page.text.replace("&amp;", "&"))
    assert link is not None and f"after={people[49].id}" in link.group(1) and "q=" in link.group(1)
    second = client.get(link.group(1))
    assert "张50" in second.text and "张00" not in second.text and "/people?q=" not in second.text
    by_phone = client.post("/people", data={"csrf_token": csrf, "phone": "13722223333"})
    assert "李四" in by_phone.text and "张00" not in by_phone.text
    assert by_phone.headers["cache-control"] == "no-store"
    bad = client.post("/people", data={"csrf_token": csrf, "phone": "12"})
    assert bad.status_code == 422 and "手机号" in bad.text


def test_searches_by_phone_page_by_form_so_the_number_never_enters_a_url(ctx, client):
    w = make_world(ctx)
    family = [make_person(ctx, w.a, name=f"刘{i:02d}", phone="13766667777") for i in range(51)]
    csrf = _staff(ctx, client, "community_worker", w.a)
    first = client.post("/people", data={"csrf_token": csrf, "phone": "13766667777"})
    assert "刘49" in first.text and "刘50" not in first.text
    # The number appears only as form values (the search box, the hidden next-page field and the two
    # export forms, which carry the page's filters in their bodies).
    assert first.text.count("13766667777") == first.text.count('value="13766667777"') == 4
    assert "?phone=" not in first.text and f'name="after" value="{family[49].id}"' in first.text
    data = {"csrf_token": csrf, "phone": "13766667777", "after": str(family[49].id)}
    second = client.post("/people", data=data)
    assert "刘50" in second.text and "刘00" not in second.text


def test_register_through_the_form(ctx, client, session):
    w = make_world(ctx)
    csrf = _staff(ctx, client, "community_worker", w.a)
    assert client.get("/people/new").status_code == 200
    form = {"csrf_token": csrf, "name": "王小明", "id_kind": "resident_id", "id_number": NUMBER}
    form |= {"phone": "13912345678", "community_code": A, "household_code": "H9", "address": "3号楼"}
    response = client.post("/people/new", data=form)
    assert response.status_code == 200 and "人员已登记" in response.text
    assert "11**************2X" in response.text and NUMBER not in response.text
    person = session.scalar(select(Person).where(Person.name == "王小明"))
    assert person is not None and person.household_id is not None
    bad = client.post("/people/new", data={**form, "id_number": NUMBER[:-1] + "1", "name": "王大明"})
    assert bad.status_code == 422 and "校验位" in bad.text and 'value="王大明"' in bad.text
    duplicate = client.post("/people/new", data={**form, "name": "王二明"})
    assert duplicate.status_code == 409 and "已登记" in duplicate.text


def test_view_reveal_correct_and_household(ctx, client, session):
    w = make_world(ctx)
    person = make_person(ctx, w.a, name="赵六", id_number=NUMBER, phone="13900000009")
    housemate = make_person(ctx, w.a, name="赵七")
    csrf = _staff(ctx, client, "community_worker", w.a)
    view = client.get(f"/people/{person.id}")
    assert view.status_code == 200 and "赵六" in view.text and NUMBER not in view.text
    assert "139****0009" in view.text
    shown = client.post(f"/people/{person.id}/reveal", data={"csrf_token": csrf})
    assert shown.status_code == 200 and NUMBER in shown.text and "13900000009" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb == "person.reveal_id")) is not None
    assert NUMBER not in client.get(f"/people/{person.id}").text
    edited = client.post(
        f"/people/{person.id}",
        data={
            "csrf_token": csrf,
            "name": "赵陆",
            "id_kind": "resident_id",
            "address": "5号楼",
            "nationality": "CHN",
        },
    )
    assert edited.status_code == 200 and "赵陆" in edited.text
    session.refresh(person)
    assert (person.name, person.address, person.phone_masked) == ("赵陆", "5号楼", "139****0009")
    bad = client.post(f"/people/{person.id}", data={"csrf_token": csrf, "name": "赵陆", "phone": "1"})
    assert bad.status_code == 422 and "手机号" in bad.text
    for who in (person, housemate):
        joined = client.post(
            f"/people/{who.id}/household", data={"csrf_token": csrf, "household_code": "H-7"}
        )
        assert joined.status_code == 200
    page = client.get(f"/people/{person.id}")
    assert "H-7" in page.text and "赵七" in page.text  # the housemate is listed
    client.post(f"/people/{person.id}/household/leave", data={"csrf_token": csrf})
    session.refresh(person)
    assert person.household_id is None
    assert len(list(session.scalars(select(Household)))) == 1


def test_pages_keep_the_walls(ctx, client, new_client):
    w = make_world(ctx)
    person = make_person(ctx, w.a)
    _staff(ctx, client, "community_worker", w.a2)
    assert client.get(f"/people/{person.id}").status_code == 404
    investigator = new_client()
    _staff(ctx, investigator, "investigator", w.a)
    page = investigator.get(f"/people/{person.id}")
    assert page.status_code == 200 and f'action="/people/{person.id}/reveal"' in page.text
    assert f'action="/people/{person.id}"' not in page.text  # no correction form
    assert investigator.get("/people/new").status_code == 403
    operator = new_client()
    page_login(operator, make_user(ctx, "venue_operator", w.a))
    assert operator.get("/people").status_code == 403


def test_import_page_shows_the_report_table(ctx, client, session):
    w = make_world(ctx)
    csrf = _staff(ctx, client, "community_worker", w.chaoyang)
    assert client.get("/people/import").status_code == 200
    body = f"name,id_number,community_code\n甲,{valid_id_number()},{A}\n乙,123,{A2}\n".encode()
    dry = client.post(
        "/people/import", data={"csrf_token": csrf, "dry_run": "true"}, files={"file": ("p.csv", body)}
    )
    assert dry.status_code == 200 and "检查结果（未保存）" in dry.text
    assert "<td>第3行</td><td><code>id_number</code></td>" in dry.text
    assert session.scalar(select(Person)) is None
    done = client.post("/people/import", data={"csrf_token": csrf}, files={"file": ("p.csv", body)})
    assert "导入结果" in done.text and session.scalar(select(Person.name)) == "甲"
    broken = client.post(
        "/people/import", data={"csrf_token": csrf}, files={"file": ("p.csv", b"x,y\n1,2\n")}
    )
    assert broken.status_code == 422 and "缺少列" in broken.text


def test_export_form_reveals_and_is_audited(ctx, client, session):
    w = make_world(ctx)
    make_person(ctx, w.a, id_number=NUMBER)
    csrf = _staff(ctx, client, "community_worker", w.a)
    page = client.get("/people")
    assert "/api/people/export?format=csv" in page.text
    response = client.post("/people/export", data={"csrf_token": csrf, "format": "csv", "reveal": "true"})
    assert response.status_code == 200 and NUMBER in response.content.decode("utf-8-sig")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "person.reveal_id"))
    assert entry is not None and entry.detail["export"] is True


def test_english_pages(ctx, client):
    w = make_world(ctx)
    _staff(ctx, client, "community_worker", w.a)
    page = client.get("/people", params={"lang": "en"})
    assert "People registry" in page.text and "Name starts with" in page.text


def test_resident_sees_own_records_on_me(ctx, client, session, settings, new_client):
    w = make_world(ctx)
    make_person(ctx, w.a, name="王小明", phone="13811112222")
    make_person(ctx, w.b, name="别人", phone="13833334444")
    code = resident_code(client, session, settings, "13811112222")
    signed = client.post("/resident/login", data={"phone": "13811112222", "code": code})
    assert signed.status_code == 200 and signed.url.path == "/me"
    assert "王**" in signed.text and "138****2222" in signed.text and w.a.name in signed.text
    assert "王小明" not in signed.text and "别人" not in signed.text
    assert client.get("/people").status_code == 403
    staff = new_client()
    page_login(staff, make_user(ctx, "community_worker", w.a))
    assert staff.get("/me", follow_redirects=False).headers["location"] == "/"
    anonymous = new_client()
    assert anonymous.get("/me", follow_redirects=False).headers["location"] == "/resident/login"


def test_resident_without_records_gets_a_hint(ctx, client, session, settings):
    make_world(ctx)
    code = resident_code(client, session, settings, "13855556666")
    page = client.post("/resident/login", data={"phone": "13855556666", "code": code})
    assert page.url.path == "/me" and "尚未关联" in page.text
