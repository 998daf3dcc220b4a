"""CSV/Excel export of the ticket-theme table: the page's days and the actor's scope (another district's
counts are absent), no personal data, audited, refused without `information.read`."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.jurisdictions import make_city


def test_theme_table_export(ctx, client, new_client, session):
    city = make_city(ctx)
    office = bearer(new_client(), make_user(ctx, "city_command", city["110000"]))
    calls = (
        ("110105", "居家隔离期间买不到蔬菜，请帮忙", "周先生"),
        ("110105", "居家隔离买不到菜", "吴女士"),
        ("110108", "健康宝弹窗了，请帮忙解决", "郑先生"),
    )
    for code, text, caller in calls:
        body = {"text": text, "jurisdiction_id": city[code].id, "caller_name": caller}
        body |= {"caller_phone": "138 0013 8000", "ticket_class": "appeal"}
        answer = office.post("/api/information/tickets", json=body)
        assert answer.status_code == 201, answer.text

    web = page_login(client, make_user(ctx, "district_command", city["110105"]))
    page = web.get("/information/themes?days=3").text
    assert "/information/themes/export?days=3&amp;format=csv" in page

    rows = csv_rows(web.get("/information/themes/export?format=csv&days=3"))
    assert [(r["district"], r["class"], r["theme"], r["tickets"]) for r in rows] == [
        ("朝阳区", "诉求", "isolation", "2")
    ]
    assert {r["district_path"] for r in rows} == {city["110105"].path}  # Haidian's health-code call absent
    assert not {"周先生", "138****8000"} & {v for r in rows for v in r.values()}  # counts only

    everything = csv_rows(
        page_login(new_client(), make_user(ctx, "city_command", city["110000"])).get(
            "/information/themes/export?format=csv"
        )
    )
    assert sorted(r["theme"] for r in everything) == ["health_code", "isolation"]

    book = load_workbook(
        io.BytesIO(web.get("/information/themes/export?format=xlsx").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][-1] == "tickets" and len(table) == 2 and table[1][-1] == 2

    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "information.themes.export")))
    assert len(entries) == 3 and entries[0].detail["rows"] == 1 and entries[0].detail["format"] == "csv"
    assert entries[0].jurisdiction_path == city["110105"].path

    worker = page_login(new_client(), make_user(ctx, "community_worker", city["110105001001"]))
    assert worker.get("/information/themes/export?format=csv").status_code == 403
