"""The registry export takes the search page's filters and reads through its query: a filtered export
holds only the filtered rows, another district's people are absent, the page's export buttons carry the
filters (numbers and phones only in posted forms), one audit row records the filters (masked)."""

from __future__ import annotations

import csv
import html
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.people import make_person
from tests.people.world import A, make_world

NUMBER = "11010519491231002X"


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _audit(session, verb: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.verb == verb).order_by(AuditEntry.id)))


def _link(page: str, fmt: str) -> str:
    found = re.search(rf'href="(/api/people/export\?format={fmt}[^"]*)"', page)
    assert found is not None
    return html.unescape(found.group(1))


def test_filtered_export_holds_the_page_rows_in_scope_and_is_audited(ctx, client, session):
    w = make_world(ctx)
    make_person(ctx, w.a, name="甲一")
    make_person(ctx, w.a2, name="甲二")
    make_person(ctx, w.a, name="乙")
    make_person(ctx, w.b, name="甲远")  # 海淀: outside the worker's district
    web = page_login(client, make_user(ctx, "community_worker", w.chaoyang))
    page = web.get("/people?q=甲").text
    link = _link(page, "csv")
    assert "q=%E7%94%B2" in link
    assert sorted(r["name"] for r in _rows(web.get(link))) == ["甲一", "甲二"]
    only_a = _rows(web.get(link + f"&community_code={A}"))
    assert [(r["name"], r["community_code"]) for r in only_a] == [("甲一", A)]
    book = load_workbook(io.BytesIO(web.get(_link(page, "xlsx")).content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][0] == "name" and sorted(row[0] for row in table[1:]) == ["甲一", "甲二"]
    entries = _audit(session, "person.export")
    assert [e.detail["rows"] for e in entries] == [2, 1, 2]
    assert entries[0].detail["q"] == "甲" and entries[0].detail["format"] == "csv"
    assert entries[1].detail["community_code"] == A and entries[2].detail["format"] == "xlsx"
    unfiltered = web.get("/people").text
    assert 'href="/api/people/export?format=csv"' in unfiltered


def test_number_filter_is_posted_and_recorded_masked(ctx, client, session):
    w = make_world(ctx)
    make_person(ctx, w.a, name="甲", id_number=NUMBER)
    make_person(ctx, w.a, name="乙")
    web = page_login(client, make_user(ctx, "community_worker", w.chaoyang))
    csrf = csrf_of(web, "/people")
    page = web.post("/people", data={"csrf_token": csrf, "id_number": NUMBER}).text
    assert "/api/people/export" not in page and "?id_number=" not in page
    assert 'action="/people/export"' in page and page.count(f'value="{NUMBER}"') >= 2
    data = {"csrf_token": csrf, "format": "csv", "id_number": NUMBER}
    answer = web.post("/people/export", data=data)
    assert [r["name"] for r in _rows(answer)] == ["甲"] and NUMBER not in answer.content.decode("utf-8-sig")
    (entry,) = _audit(session, "person.export")
    assert entry.detail["id_number"] == "11**************2X" and NUMBER not in str(entry.detail)
    revealed = web.post("/people/export", data=data | {"reveal": "true", "q": "甲"})
    assert [r["id_number"] for r in _rows(revealed)] == [NUMBER]
    (full,) = _audit(session, "person.reveal_id")
    assert full.detail["revealed"] is True and full.detail["rows"] == 1 and full.detail["q"] == "甲"


def test_export_filters_stay_in_scope(ctx, client):
    w = make_world(ctx)
    make_person(ctx, w.a, name="甲一")
    make_person(ctx, w.b, name="甲远")
    web = page_login(client, make_user(ctx, "community_worker", w.b))
    assert [r["name"] for r in _rows(web.get("/api/people/export?format=csv&q=甲"))] == ["甲远"]
    outside = web.get(f"/api/people/export?format=csv&community_code={A}")
    assert outside.status_code == 422
