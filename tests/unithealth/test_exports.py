"""CSV/Excel exports of the unit-health lists: the page's filters and scope, masked people, one audit
row per export, and no export for a role that cannot read the list."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.people.rules import mask_name
from lianfang.unithealth.absences import service as absences
from lianfang.unithealth.pharmacy import service as pharmacy
from lianfang.unithealth.reports import service as reports
from tests.factories.accounts import make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.people import valid_id_number
from tests.factories.unithealth import make_unit_world


def _audited(session, verb):
    return session.scalars(select(AuditEntry).where(AuditEntry.verb == verb)).all()


def test_missing_and_filed_reports_export(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    today = local_date(ctx.now)
    reports.file_report(ctx, world.pharmacy.id, reports.ReportInput(today, True, [], "", ""))
    web = page_login(client, world.street_worker)
    page = web.get("/unithealth/missing")
    assert "/unithealth/missing/export?" in page.text and "/unithealth/reports/export?" in page.text
    rows = csv_rows(web.get("/unithealth/missing/export?format=csv"))
    assert [r["unit"] for r in rows] == [world.school.name]  # the pharmacy reported; 中关村 is elsewhere
    earlier = (today - timedelta(days=1)).isoformat()
    both = csv_rows(web.get(f"/unithealth/missing/export?format=csv&report_date={earlier}"))
    assert sorted(r["unit"] for r in both) == sorted([world.school.name, world.pharmacy.name])
    filed = csv_rows(web.get("/unithealth/reports/export?format=csv"))
    assert [(r["unit"], r["zero_report"]) for r in filed] == [(world.pharmacy.name, "True")]
    book = load_workbook(
        io.BytesIO(web.get("/unithealth/missing/export?format=xlsx").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][1] == "unit" and table[1][1] == world.school.name and len(table) == 2
    entries = _audited(session, "unithealth.missing.export")
    assert len(entries) == 3 and entries[0].detail["rows"] == 1
    assert len(_audited(session, "unithealth.report.export")) == 1
    other = page_login(new_client(), world.other_district)
    assert [r["unit"] for r in csv_rows(other.get("/unithealth/missing/export?format=csv"))] == [
        world.other_unit.name
    ]
    auditor = page_login(new_client(), make_user(ctx, "auditor", world.city["110000"]))
    assert auditor.get("/unithealth/missing/export?format=csv").status_code == 403
    assert auditor.get("/unithealth/reports/export?format=csv").status_code == 403


def test_absences_and_alerts_export(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=3)
    today = local_date(ctx.now)
    for student in world.students:
        absences.report_absence(
            ctx, world.school.id, absences.AbsenceInput(student.id, today, ("fever",), "")
        )
    web = page_login(client, world.district)
    url = f"/unithealth/units/{world.school.id}/absences"
    assert f"{url}/export?format=csv" in web.get(url).text
    rows = csv_rows(web.get(f"{url}/export?format=csv"))
    assert sorted(r["id_masked"] for r in rows) == sorted(s.id_masked for s in world.students)
    assert {r["name"] for r in rows} == {mask_name(s.name) for s in world.students}
    assert not {s.name for s in world.students} & {r["name"] for r in rows}
    book = load_workbook(io.BytesIO(web.get(f"{url}/export?format=xlsx").content), read_only=True)
    assert len(list(book.worksheets[0].iter_rows(values_only=True))) == 4
    entry = _audited(session, "unithealth.absence.export")[0]
    assert entry.subject_id == str(world.school.id) and entry.detail["rows"] == 3
    alerts = csv_rows(web.get("/unithealth/alerts/export?format=csv"))
    assert [(r["unit"], r["symptom"], r["absences"]) for r in alerts] == [(world.school.name, "fever", "3")]
    assert "/unithealth/alerts/export?format=csv" in web.get("/unithealth/alerts").text
    assert len(_audited(session, "unithealth.alert.export")) == 1
    other = page_login(new_client(), world.other_district)
    assert other.get(f"{url}/export?format=csv").status_code == 404
    assert csv_rows(other.get("/unithealth/alerts/export?format=csv")) == []
    auditor = page_login(new_client(), make_user(ctx, "auditor", world.city["110000"]))
    assert auditor.get(f"{url}/export?format=csv").status_code == 403
    assert auditor.get("/unithealth/alerts/export?format=csv").status_code == 403


def test_pharmacy_sales_export(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    number = valid_id_number()
    sale = pharmacy.SaleInput("R-1", number, "钱七", "antiviral", "奥司他韦", 2)
    pharmacy.record_sale(ctx, world.pharmacy.id, sale)
    web = page_login(client, world.pharmacist)
    url = f"/unithealth/units/{world.pharmacy.id}/sales"
    assert f"{url}/export?format=xlsx" in web.get(url).text
    rows = csv_rows(web.get(f"{url}/export?format=csv"))
    assert [(r["receipt"], r["buyer_name"], r["quantity"]) for r in rows] == [("R-1", "钱*", "2")]
    assert rows[0]["buyer_id_masked"] != number and number not in web.get(f"{url}/export?format=csv").text
    assert len(_audited(session, "unithealth.sale.export")) == 2
    assert page_login(new_client(), world.officer).get(f"{url}/export?format=csv").status_code == 404
    assert page_login(new_client(), world.other_district).get(f"{url}/export?format=csv").status_code == 404
    auditor = page_login(new_client(), make_user(ctx, "auditor", world.city["110000"]))
    assert auditor.get(f"{url}/export?format=csv").status_code == 403
