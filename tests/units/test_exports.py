"""The unit list export takes the page's filters (name or code, kind, community) and reads through the
page's query in the actor's reach: only the filtered rows, no other district's units, one audit row with
the filters, and the page's export links carry the filters."""

from __future__ import annotations

import csv
import html
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.units import make_unit

A, A2, B = "110105001001", "110105002001", "110108001001"


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_filtered_unit_export(ctx, client, session):
    city = make_city(ctx)
    make_unit(ctx, city[A], name="甲公司")
    make_unit(ctx, city[A2], name="甲工厂", kind="factory")
    make_unit(ctx, city[A2], name="乙公司")
    make_unit(ctx, city[B], name="甲远公司")  # 海淀
    web = page_login(client, make_user(ctx, "community_worker", city["110105"]))
    page = web.get("/units?kind=employer&q=甲").text
    found = re.search(r'href="(/api/units/export\?format=csv[^"]*)"', page)
    assert found is not None
    link = html.unescape(found.group(1))
    assert "kind=employer" in link and "q=%E7%94%B2" in link
    assert [r["name"] for r in _rows(web.get(link))] == ["甲公司"]
    everything = _rows(web.get("/api/units/export?format=csv"))
    assert sorted(r["name"] for r in everything) == ["乙公司", "甲公司", "甲工厂"]
    in_a2 = _rows(web.get(f"/api/units/export?format=csv&community_id={city[A2].id}"))
    assert sorted(r["community_code"] for r in in_a2) == [A2, A2]
    xlsx = web.get("/api/units/export?format=xlsx&kind=factory")
    table = list(
        load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert table[0][0] == "code" and [row[1] for row in table[1:]] == ["甲工厂"]
    entries = list(
        session.scalars(select(AuditEntry).where(AuditEntry.verb == "unit.export").order_by(AuditEntry.id))
    )
    assert [e.detail["rows"] for e in entries] == [1, 3, 2, 1]
    assert entries[0].detail["kind"] == "employer" and entries[0].detail["q"] == "甲"
    assert entries[2].detail["community_id"] == city[A2].id and entries[3].detail["format"] == "xlsx"
    far = page_login(client, make_user(ctx, "community_worker", city["110108"]))
    assert [r["name"] for r in _rows(far.get("/api/units/export?format=csv&q=甲"))] == ["甲远公司"]
