"""The ticket list export takes the page's class filter and reads through the list's own keyset query:
only the filtered tickets, none from another district, phones masked, one audit row with the filter."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.jurisdictions import make_city


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_ticket_export_with_the_class_filter(ctx, client, new_client, session):
    city = make_city(ctx)
    office = bearer(new_client(), make_user(ctx, "city_command", city["110000"]))
    calls = (
        ("110105", "买不到蔬菜", "complaint"),
        ("110105", "核酸点在哪里", "question"),
        ("110108", "海淀的投诉", "complaint"),
    )
    for code, text, ticket_class in calls:
        body = {"text": text, "jurisdiction_id": city[code].id, "caller_name": "周先生"}
        body |= {"caller_phone": "138 0013 8000", "ticket_class": ticket_class}
        assert office.post("/api/information/tickets", json=body).status_code == 201
    web = page_login(client, make_user(ctx, "district_command", city["110105"]))
    page = web.get("/information/tickets?ticket_class=complaint").text
    assert "/information/tickets/export?fmt=csv&amp;ticket_class=complaint" in page
    complaints = _rows(web.get("/information/tickets/export?fmt=csv&ticket_class=complaint"))
    assert [r["text"] for r in complaints] == ["买不到蔬菜"]
    assert complaints[0]["caller_phone"] == "138****8000"
    everything = _rows(web.get("/information/tickets/export?fmt=csv"))
    assert sorted(r["text"] for r in everything) == ["买不到蔬菜", "核酸点在哪里"]
    xlsx = web.get("/information/tickets/export?fmt=xlsx&ticket_class=question")
    table = list(
        load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert table[0][0] == "id" and [row[9] for row in table[1:]] == ["核酸点在哪里"]
    verb = AuditEntry.verb == "information.ticket.export"
    entries = list(session.scalars(select(AuditEntry).where(verb).order_by(AuditEntry.id)))
    assert [e.detail["rows"] for e in entries] == [1, 2, 1]
    assert entries[0].detail["ticket_class"] == "complaint" and "ticket_class" not in entries[1].detail
    assert entries[2].detail["format"] == "xlsx" and entries[0].jurisdiction_path == city["110105"].path
