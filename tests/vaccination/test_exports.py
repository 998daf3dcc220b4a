"""CSV/Excel export of the booster due list: the page's state, the actor's scope, masked, audited."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import page_login
from tests.factories.exports import csv_rows
from tests.factories.vaccination import born_years_ago, days_ago, give, make_world, person


def test_due_list_export(ctx, client, new_client, session):
    w = make_world(ctx)
    due, _ = person(ctx, w.community, born_years_ago(ctx, 33), "赵六")
    give(ctx, due, (1, "sinovac", days_ago(ctx, 300)), (2, "sinovac", days_ago(ctx, 279)))
    far, _ = person(ctx, w.other_community, born_years_ago(ctx, 40), "钱七")
    give(ctx, far, (1, "sinovac", days_ago(ctx, 300)), (2, "sinovac", days_ago(ctx, 279)))
    command = page_login(client, w.chaoyang)
    assert "/vaccination/due/export?" in command.get("/vaccination/due").text
    rows = csv_rows(command.get("/vaccination/due/export?format=csv"))
    assert [int(r["person_id"]) for r in rows] == [due.id]
    assert rows[0]["name"] == "赵*" and rows[0]["id_masked"] == due.id_masked and rows[0]["doses"] == "2"
    assert csv_rows(command.get("/vaccination/due/export?format=csv&state=upcoming")) == []
    book = load_workbook(
        io.BytesIO(command.get("/vaccination/due/export?format=xlsx").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][0] == "person_id" and [r[0] for r in table[1:]] == [due.id]
    assert session.scalars(select(AuditEntry).where(AuditEntry.verb == "vaccination.due.export")).first()
    assert page_login(new_client(), w.lab).get("/vaccination/due/export?format=csv").status_code == 403
