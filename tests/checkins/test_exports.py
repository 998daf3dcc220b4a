"""CSV/Excel export of a venue's scans of a day: the page's day and venue (another venue's scans are
absent, a venue out of reach is 404), visitors' names masked as the page shows them, audited, refused
without read access."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.exports import csv_rows
from tests.factories.jurisdictions import make_city


def test_venue_scans_export(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    other = make_place(ctx, city["110108001001"], label="北门")
    people = [visitor(ctx, city["110105001001"], name=f"吴{n}") for n in ("一", "二")]
    outsider = visitor(ctx, city["110108001001"], name="郑三")
    api = bearer(new_client(), place.operator)
    for person in people:
        assert api.post("/api/scans", json=scan_body(place.code.token, person)).status_code == 201
    far = bearer(new_client(), other.operator)
    assert far.post("/api/scans", json=scan_body(other.code.token, outsider)).status_code == 201

    web = page_login(client, make_user(ctx, "community_worker", city["110105001"]))
    page = web.get(f"/venues/{place.venue.id}/scans").text
    assert f"/venues/{place.venue.id}/scans/export?day=" in page and "format=xlsx" in page

    rows = csv_rows(web.get(f"/venues/{place.venue.id}/scans/export?format=csv"))
    assert sorted(r["visitor"] for r in rows) == ["吴*", "吴*"]  # masked as on the page
    assert not {"吴一", "吴二", "郑*"} & {r["visitor"] for r in rows}
    assert rows[0]["scanned_at"] >= rows[1]["scanned_at"]  # newest first, like the page
    assert csv_rows(web.get(f"/venues/{place.venue.id}/scans/export?format=csv&day=2020-01-01")) == []
    assert web.get(f"/venues/{other.venue.id}/scans/export?format=csv").status_code == 404

    book = load_workbook(
        io.BytesIO(web.get(f"/venues/{place.venue.id}/scans/export?format=xlsx").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][2] == "visitor" and len(table) == 3 and {r[2] for r in table[1:]} == {"吴*"}

    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "checkins.scans.export")))
    assert len(entries) == 3 and entries[0].subject_id == str(place.venue.id)
    assert entries[0].detail["rows"] == 2 and entries[0].jurisdiction_path == place.venue.jurisdiction_path

    auditor = page_login(new_client(), make_user(ctx, "auditor", city["110105001001"]))
    assert auditor.get(f"/venues/{place.venue.id}/scans/export?format=csv").status_code == 403
