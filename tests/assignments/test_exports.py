"""The work list exported as the page shows it: CSV and Excel, same scope and filters, audited."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import page_login
from tests.factories.assignments import Cast, make_assignment
from tests.factories.jurisdictions import make_city


def test_my_work_exports_my_items_only(ctx, client, new_client, session):
    cast = Cast(ctx, make_city(ctx))
    mine = [
        make_assignment(ctx, cast.community, issuer=cast.district_command, title=f"排查{i}") for i in range(3)
    ]
    make_assignment(ctx, cast.city["110105002001"], issuer=cast.district_command, title="别人的事")
    page_login(client, cast.worker)
    assert "/work/export?" in client.get("/work").text
    answer = client.get("/work/export", params={"format": "csv"})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert sorted(r["title"] for r in rows) == ["排查0", "排查1", "排查2"]
    assert {r["id"] for r in rows} == {str(a.id) for a in mine}
    sheet = load_workbook(io.BytesIO(client.get("/work/export", params={"format": "xlsx"}).content)).active
    assert sheet is not None and sheet.max_row == 4  # the header and three items
    verbs = list(session.scalars(select(AuditEntry.verb).where(AuditEntry.verb == "assignments.export")))
    assert len(verbs) == 2
    auditor = page_login(new_client(), cast.auditor)
    assert auditor.get("/work/export").status_code == 403
