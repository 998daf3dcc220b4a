"""CSV/Excel export of the pop-up ① flag list: the page's state filter and scope, masked, audited."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.jobs import run_due_jobs
from lianfang.travel import service
from tests.factories.accounts import make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.travel import CHENGGUAN, make_world, stay, today


def test_flag_list_export(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    stay(ctx, world.person, CHENGGUAN, 10, 3)
    stay(ctx, world.other, CHENGGUAN, 10, 3)
    service.create_risk_area(
        ctx, service.RiskAreaInput(CHENGGUAN, "county", today(ctx), "甘肃省通报", "no_new_14d")
    )
    session.commit()
    run_due_jobs(runtime)
    worker = page_login(client, world.worker)
    assert "/travel/flags/export?" in worker.get("/travel/flags").text
    rows = csv_rows(worker.get("/travel/flags/export?format=csv"))
    assert [r["id_masked"] for r in rows] == [world.person.id_masked]
    assert rows[0]["name"] != "李四" and rows[0]["place_code"] == CHENGGUAN and rows[0]["state"] == "open"
    assert "13900000001" not in rows[0]["phone_masked"]
    assert csv_rows(worker.get("/travel/flags/export?format=csv&state=verified")) == []
    book = load_workbook(io.BytesIO(worker.get("/travel/flags/export?format=xlsx").content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][0] == "id" and [r[2] for r in table[1:]] == [world.person.id_masked]
    assert session.scalars(select(AuditEntry).where(AuditEntry.verb == "travel.flag.export")).first()
    venue = page_login(new_client(), make_user(ctx, "venue_operator", world.community))
    assert venue.get("/travel/flags/export?format=csv").status_code == 403
