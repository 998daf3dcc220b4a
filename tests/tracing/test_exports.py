"""CSV/Excel exports of the case list and of a case's contacts: what the page shows (filters, scope,
masked names and numbers), audited, and walled like the pages."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.tracing import contacts, service
from tests.factories.accounts import page_login
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
