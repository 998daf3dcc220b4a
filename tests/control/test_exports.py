"""CSV/Excel export of the control-order list: the page's filters and scope, masked names, audited."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.tracing import make_scene


def test_order_list_export(ctx, client, new_client, session):
    scene = make_scene(ctx)
    day = (local_date(ctx.now) - timedelta(days=1)).isoformat()
    api = bearer(new_client(), scene.community_worker)
    for person, person_class in ((scene.housemate, "close"), (scene.shopper, "high_risk_travel")):
        body = {"person_id": person.id, "person_class": person_class, "last_exposure_on": day}
        answer = api.post("/api/control/orders", json=body)
        assert answer.status_code in (200, 201), answer.text
    far_worker = make_user(ctx, "community_worker", scene.city["110108001001"])
    body = {"person_id": scene.ktv_friend.id, "person_class": "close", "last_exposure_on": day}
    assert bearer(new_client(), far_worker).post("/api/control/orders", json=body).status_code in (200, 201)
    web = page_login(client, scene.community_worker)
    assert "/control/export?" in web.get("/control").text
    rows = csv_rows(web.get("/control/export?format=csv"))
    assert sorted(r["id_masked"] for r in rows) == sorted(
        [scene.housemate.id_masked, scene.shopper.id_masked]
    )
    assert scene.housemate.name not in {r["name"] for r in rows}
    assert scene.ktv_friend.id_masked not in {r["id_masked"] for r in rows}
    close = csv_rows(web.get("/control/export?format=csv&person_class=close"))
    assert [r["id_masked"] for r in close] == [scene.housemate.id_masked]
    book = load_workbook(io.BytesIO(web.get("/control/export?format=xlsx").content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][1] == "name" and len(table) == 3
    entry = session.scalars(select(AuditEntry).where(AuditEntry.verb == "control.order.export")).first()
    assert entry is not None
    auditor = page_login(new_client(), make_user(ctx, "auditor", scene.city["110000"]))
    assert auditor.get("/control/export?format=csv").status_code == 403
