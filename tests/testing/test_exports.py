"""CSV/Excel export of a round's not-yet-sampled list: the page's community, masked as on the page,
audited, walled."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.jurisdictions import make_city
from tests.factories.testing import TestingWorld, barcode


def test_unsampled_export(ctx, client, new_client, session):
    world = TestingWorld(ctx, make_city(ctx))
    sampler = bearer(new_client(), world.sampler)
    code = barcode()
    sampler.post(
        "/api/testing/tubes", json={"barcode": code, "site_id": world.site.id, "round_id": world.round.id}
    )
    sampler.post(
        f"/api/testing/tubes/{code}/samples", json={"people": [p.pseudonym for p in world.people[:4]]}
    )
    worker = page_login(client, world.worker)
    base = f"/testing/rounds/{world.round.id}/unsampled"
    assert f"{base}/export?" in worker.get(f"{base}?community_id={world.community.id}").text
    rows = csv_rows(worker.get(f"{base}/export?community_id={world.community.id}&format=csv"))
    assert [r["id_masked"] for r in rows] == [p.id_masked for p in world.people[4:]]
    assert all(r["name"] == "居*" for r in rows)
    answer = worker.get(f"{base}/export?community_id={world.community.id}&format=xlsx")
    table = list(
        load_workbook(io.BytesIO(answer.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert table[0] == ("name", "id_masked", "phone_masked", "address") and len(table) == 3
    assert session.scalars(select(AuditEntry).where(AuditEntry.verb == "testing.unsampled_export")).first()
    assert worker.get(f"{base}/export?community_id={world.far.id}&format=csv").status_code == 404
    venue = page_login(new_client(), make_user(ctx, "venue_operator", world.community))
    assert venue.get(f"{base}/export?community_id={world.community.id}&format=csv").status_code == 403
