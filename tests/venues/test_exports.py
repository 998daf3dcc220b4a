"""The venue list export takes the page's filters (name or code, kind, status, community) and reads
through the page's query in the actor's reach: only the filtered rows, no other district's venues, one
audit row with the filters, and the page's export links carry the filters."""

from __future__ import annotations

import csv
import html
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.venues import service
from tests.factories.accounts import make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.venues import make_venue

A, A2, B = "110105001001", "110105002001", "110108001001"


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_filtered_venue_export(ctx, client, session):
    city = make_city(ctx)
    shop = make_venue(ctx, city[A], name="甲超市")
    make_venue(ctx, city[A2], name="甲健身", kind="gym")
    make_venue(ctx, city[A2], name="乙超市")
    make_venue(ctx, city[B], name="甲远超市")  # 海淀
    service.change_status(ctx, shop.id, "closed", "检查")
    web = page_login(client, make_user(ctx, "community_worker", city["110105"]))
    page = web.get("/venues?kind=supermarket&status=closed").text
    found = re.search(r'href="(/api/venues/export\?format=csv[^"]*)"', page)
    assert found is not None
    link = html.unescape(found.group(1))
    assert "kind=supermarket" in link and "status=closed" in link
    assert [(r["name"], r["status"]) for r in _rows(web.get(link))] == [("甲超市", "closed")]
    named = _rows(web.get("/api/venues/export?format=csv&q=甲"))
    assert sorted(r["name"] for r in named) == ["甲健身", "甲超市"]
    in_a2 = _rows(web.get(f"/api/venues/export?format=csv&community_id={city[A2].id}&kind=supermarket"))
    assert [r["name"] for r in in_a2] == ["乙超市"]
    xlsx = web.get("/api/venues/export?format=xlsx&kind=gym")
    table = list(
        load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert table[0][0] == "code" and [row[1] for row in table[1:]] == ["甲健身"]
    verb = AuditEntry.verb == "venue.export"
    entries = list(session.scalars(select(AuditEntry).where(verb).order_by(AuditEntry.id)))
    assert [e.detail["rows"] for e in entries] == [1, 2, 1, 1]
    assert entries[0].detail["status"] == "closed" and entries[0].detail["kind"] == "supermarket"
    assert entries[2].detail["community_id"] == city[A2].id and entries[3].detail["format"] == "xlsx"
    far = page_login(client, make_user(ctx, "community_worker", city["110108"]))
    assert [r["name"] for r in _rows(far.get("/api/venues/export?format=csv&q=甲"))] == ["甲远超市"]
