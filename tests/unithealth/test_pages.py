"""Unit-health pages: the officer's index and phone-friendly daily report (zero report, person by person,
a correction), absences and sales forms; the street's missing list with bulk reminders; alerts."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.clock import local_date
from lianfang.unithealth.models import DailyReport, PharmacySale
from tests.factories.accounts import csrf_of, page_login
from tests.factories.people import valid_id_number
from tests.factories.unithealth import make_unit_world


def test_officer_files_a_zero_report_then_corrects_it_person_by_person(ctx, client, session):
    world = make_unit_world(ctx, students=2)
    page_login(client, world.officer)
    index = client.get("/unithealth")
    assert index.status_code == 200 and "建外第一小学" in index.text and "今日未报" in index.text
    url = f"/unithealth/units/{world.school.id}/daily"
    token = csrf_of(client, url)
    today = local_date(ctx.now).isoformat()
    zero = client.post(
        url, data={"csrf_token": token, "report_date": today, "mode": "zero"}, follow_redirects=False
    )
    assert zero.status_code == 303
    shown = client.get(zero.headers["location"])
    assert "日报已保存" in shown.text and "零报告" in shown.text
    teacher = world.teachers[0]
    form = {
        "csrf_token": token,
        "report_date": today,
        "mode": "full",
        f"t_{teacher.id}": "38.1",
        f"sym_{teacher.id}": "fever",
    }
    form |= {f"mask_{p.id}": "1" for p in world.teachers + world.students}  # ticked by default on the page
    refused = client.post(url, data=form)
    assert refused.status_code == 422 and "更正原因" in refused.text
    bad = client.post(url, data=form | {f"t_{teacher.id}": "hot", "reason": "x"})
    assert bad.status_code == 422 and "36.5" in bad.text
    fixed = client.post(url, data=form | {"reason": "下午复测发热"}, follow_redirects=False)
    assert fixed.status_code == 303
    report = session.scalar(select(DailyReport).where(DailyReport.unit_id == world.school.id))
    assert report is not None and report.version == 2 and report.abnormal == 1
    history = client.get(url)
    assert "历史版本" in history.text and "下午复测发热" in history.text


def test_street_sees_missing_units_and_reminds_a_selection(ctx, client):
    world = make_unit_world(ctx, students=1)
    page_login(client, world.street_worker)
    missing = client.get("/unithealth/missing")
    assert missing.status_code == 200 and "建外第一小学" in missing.text and "中关村" not in missing.text
    token = csrf_of(client, "/unithealth/missing")
    sent = client.post(
        "/unithealth/missing/remind",
        data={
            "csrf_token": token,
            "unit_ids": [str(world.school.id), str(world.pharmacy.id)],
            "report_date": local_date(ctx.now).isoformat(),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and "reminded=2" in sent.headers["location"]
    none = client.post("/unithealth/missing/remind", data={"csrf_token": token})
    assert none.status_code == 422
    assert client.get("/unithealth").status_code == 200  # redirects readers to the list
    assert client.get("/unithealth/alerts").status_code == 200
    assert client.get(f"/unithealth/units/{world.school.id}/absences").status_code == 200


def test_absence_and_sale_forms(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=3)
    page_login(client, world.officer)
    url = f"/unithealth/units/{world.school.id}/absences"
    token = csrf_of(client, url)
    today = local_date(ctx.now).isoformat()
    for student in world.students:
        done = client.post(
            url,
            data={
                "csrf_token": token,
                "person_id": str(student.id),
                "absence_date": today,
                "symptoms": "fever",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
    assert done.headers["location"].endswith("raised=1")
    assert "区疾控" in client.get(done.headers["location"]).text
    empty = client.post(
        url, data={"csrf_token": token, "person_id": str(world.teachers[0].id), "absence_date": today}
    )
    assert empty.status_code == 422
    pharmacist = new_client()
    page_login(pharmacist, world.pharmacist)
    sales = f"/unithealth/units/{world.pharmacy.id}/sales"
    token = csrf_of(pharmacist, sales)
    form = {
        "csrf_token": token,
        "client_ref": "T-1",
        "buyer_name": "钱七",
        "id_number": valid_id_number(),
        "medicine_class": "antiviral",
        "medicine_name": "奥司他韦",
        "quantity": "1",
    }
    assert pharmacist.post(sales, data=form, follow_redirects=False).status_code == 303
    assert session.scalar(select(PharmacySale.medicine_class)) == "antiviral"
    bad = pharmacist.post(sales, data=form | {"client_ref": "T-2", "id_number": "123"})
    assert bad.status_code == 422 and "奥司他韦" in bad.text
    assert "抗病毒类" in pharmacist.get(sales).text
