"""CSV/Excel exports of the case list and of a case's contacts: what the page shows (filters, scope,
masked names and numbers), audited, and walled like the pages."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts
from tests.factories.accounts import bearer, page_login
from tests.factories.exports import csv_rows
from tests.factories.tracing import make_scene


def test_case_and_contact_exports(ctx, client, new_client, session):
    scene = make_scene(ctx)
    case = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    elsewhere = service.open_case(ctx, service.CaseInput(scene.ktv_friend.id, onset_at=scene.onset))
    contacts.propose(ctx, case.id)
    page_login(client, scene.investigator)
    assert "/tracing/export?" in client.get("/tracing").text
    rows = csv_rows(client.get("/tracing/export?format=csv"), no_store=True)
    assert [r["code"] for r in rows] == [case.code]
    assert rows[0]["name"] != scene.case_person.name and rows[0]["id_masked"] == scene.case_person.id_masked
    assert csv_rows(client.get("/tracing/export?format=csv&status=closed"), no_store=True) == []
    book = load_workbook(io.BytesIO(client.get("/tracing/export?format=xlsx").content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][0] == "code" and [r[0] for r in table[1:]] == [case.code]
    page = client.get(f"/tracing/cases/{case.id}")
    assert f"/tracing/cases/{case.id}/contacts/export?" in page.text
    listed = csv_rows(client.get(f"/tracing/cases/{case.id}/contacts/export?format=csv"), no_store=True)
    assert listed and all(r["status"] == "proposed" for r in listed)
    names = {r["name"] for r in listed}
    assert scene.housemate.name not in names and scene.passer_by.name not in "".join(names)
    close = csv_rows(
        client.get(f"/tracing/cases/{case.id}/contacts/export?format=csv&category=close"), no_store=True
    )
    assert close and {r["category"] for r in close} == {"close"} and len(close) < len(listed)
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.verb.like("tracing.%.export"))))
    assert verbs == {"tracing.case.export", "tracing.contact.export"}
    # walls: another district's investigator sees neither; a community worker lacks the permission
    outsider = page_login(new_client(), scene.other_investigator)
    assert [r["code"] for r in csv_rows(outsider.get("/tracing/export?format=csv"), no_store=True)] == [
        elsewhere.code
    ]
    assert outsider.get(f"/tracing/cases/{case.id}/contacts/export?format=csv").status_code == 404
    worker = page_login(new_client(), scene.community_worker)
    assert worker.get("/tracing/export?format=csv").status_code == 403
    assert worker.get(f"/tracing/cases/{case.id}/contacts/export").status_code == 403


def test_requests_tallied_on_the_page_and_exported_in_full(ctx, client, new_client, session, monkeypatch):
    from lianfang.tracing.investigation import pages as investigation_pages

    scene = make_scene(ctx)
    case = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    contacts.propose(ctx, case.id)
    api = bearer(new_client(), scene.investigator)
    listed = api.get(f"/api/tracing/cases/{case.id}/contacts", params={"category": "close"}).json()["items"]
    ids = [c["id"] for c in listed]
    assert len(ids) >= 2
    confirmed = api.post("/api/tracing/contacts/decide", json={"ids": ids, "action": "confirm"})
    assert confirmed.status_code == 200, confirmed.text
    monkeypatch.setattr(
        investigation_pages, "REQUEST_PAGE", 1
    )  # the page lists the latest one; the export all
    page_login(client, scene.investigator)
    page = client.get(f"/tracing/cases/{case.id}")
    tallies = page.text.split('id="request-tallies"')[1].split("</p>")[0]
    assert f"共{len(ids)}条" in tallies and "下表列出最近1条" in tallies
    assert f"/tracing/cases/{case.id}/requests/export?format=csv" in tallies
    table = page.text.split('id="requests"')[1].split("</table>")[0]
    assert table.count("<tr>") == 2 and "<th>派往</th>" in table  # the head and the latest one
    rows = csv_rows(client.get(f"/tracing/cases/{case.id}/requests/export?format=csv"), no_store=True)
    assert sorted(int(r["contact_id"]) for r in rows) == sorted(ids)
    assert all(r["state"] and r["deadline"] for r in rows)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.verb == "tracing.request.export")).one()
    assert entry.subject_id == str(case.id) and entry.detail["rows"] == len(ids)
    outsider = page_login(new_client(), scene.other_investigator)
    assert outsider.get(f"/tracing/cases/{case.id}/requests/export?format=csv").status_code == 404
