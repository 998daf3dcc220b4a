"""CSV/Excel export of the health-code appeal list: the page's state filter and scope, audited."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.context import Ctx
from lianfang.healthcodes.appeals import service as appeals
from lianfang.people.models import Person
from tests.factories.accounts import make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.healthcodes import pool_positive
from tests.factories.travel import make_world


def test_appeal_list_export(ctx: Ctx, client: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
    world = make_world(ctx)
    for person in (world.person, world.other):
        found = ctx.session.get(Person, person.id)
        assert found is not None
        pool_positive(ctx, found)
    mine = appeals.file_appeal(ctx, world.person, "3", "请核实", "hotline")
    appeals.file_appeal(ctx, world.other, "3", "另一社区", "hotline")
    worker = page_login(client, world.worker)
    assert "/healthcodes/appeals/export?" in worker.get("/healthcodes/appeals").text
    rows = csv_rows(worker.get("/healthcodes/appeals/export?format=csv"))
    assert [(int(r["id"]), r["statement"], r["state"]) for r in rows] == [(mine.id, "请核实", "open")]
    assert csv_rows(worker.get("/healthcodes/appeals/export?format=csv&state=cleared")) == []
    answer = worker.get("/healthcodes/appeals/export?format=xlsx")
    table = list(
        load_workbook(io.BytesIO(answer.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert table[0][0] == "id" and [r[0] for r in table[1:]] == [mine.id]
    assert ctx.session.scalars(
        select(AuditEntry).where(AuditEntry.verb == "healthcode.appeal.export")
    ).first()
    venue = page_login(new_client(), make_user(ctx, "venue_operator", world.community))
    assert venue.get("/healthcodes/appeals/export?format=csv").status_code == 403
