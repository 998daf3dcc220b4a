"""The door's statuses read for a whole batch of scans at once say what the one-person read says: no
row is green, a stored row shows as stored, and a row due to be re-derived is left to the one-person read,
which derives it (so the scan answers with the derived status, not the stale row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from lianfang.control import service as orders
from lianfang.control.service import OrderInput
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.healthcodes.models import HealthStatus
from lianfang.healthcodes.status.views import HealthCodeProvider
from lianfang.people.models import Person
from tests.factories.accounts import bearer
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.jurisdictions import make_city
from tests.factories.travel import days_ago


def _stale_red(ctx: Ctx, person: Person) -> None:
    """A stored red whose facts were due to change yesterday: the nightly pass has not reached it."""
    ctx.session.add(
        HealthStatus(
            person_id=person.id,
            jurisdiction_path=person.jurisdiction_path,
            colour="red",
            popups="",
            edition="bj2020",
            facts=[],
            next_change_on=local_date(ctx.now) - timedelta(days=1),
            derived_at=ctx.now - timedelta(days=2),
            changed_at=ctx.now - timedelta(days=2),
        )
    )
    ctx.session.flush()


def test_the_batch_read_agrees_with_the_one_person_read(ctx: Ctx, client: TestClient) -> None:
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    plain = visitor(ctx, city["110105001001"], name="赵无码")
    ordered = visitor(ctx, city["110105001001"], name="钱隔离")
    orders.issue_order(ctx, OrderInput(ordered.id, "close", days_ago(ctx, 1), edition="bj2020"))
    stale = visitor(ctx, city["110105001001"], name="孙过期")
    _stale_red(ctx, stale)
    provider = HealthCodeProvider()
    ids = [plain.id, ordered.id, stale.id]
    batch = provider.statuses_for(ctx.session, ids, ctx.now)
    assert stale.id not in batch  # due to be re-derived: left to the slow path
    for pid in (plain.id, ordered.id):
        assert batch[pid] == provider.status_for_person(ctx.session, pid, ctx.now)
    assert batch[plain.id].colour == "green" and batch[ordered.id].alert
    assert provider.status_for_person(ctx.session, stale.id, ctx.now).colour == "green"  # no live fact

    device = bearer(client, place.operator)
    answers = {
        p.id: device.post("/api/scans", json=scan_body(place.code.token, p)).json()["status"]
        for p in (plain, ordered, stale)
    }
    assert answers[ordered.id]["colour"] == batch[ordered.id].colour and answers[ordered.id]["alert"]
    assert answers[plain.id]["colour"] == "green" and not answers[plain.id]["alert"]
    assert answers[stale.id]["colour"] == "green"  # derived at the door, not the stale stored red


def test_the_stored_relation_reads_like_the_batch(ctx: Ctx) -> None:
    """The relation the PostgreSQL scan statement joins (`stored_statuses_sql`), decoded by
    `from_stored`, says what `statuses_for` says (read here on its own)."""
    if ctx.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the relation is joined by the PostgreSQL batch statement")
    city = make_city(ctx)
    plain = visitor(ctx, city["110105001001"], name="周无码")
    ordered = visitor(ctx, city["110105001001"], name="吴隔离")
    orders.issue_order(ctx, OrderInput(ordered.id, "close", days_ago(ctx, 1), edition="bj2020"))
    stale = visitor(ctx, city["110105001001"], name="郑过期")
    _stale_red(ctx, stale)
    provider = HealthCodeProvider()
    ids = [plain.id, ordered.id, stale.id]
    among = ", ".join(map(str, ids))
    sql = f"SELECT * FROM ({provider.stored_statuses_sql}) st WHERE st.person_id IN ({among})"
    stored = {r[0]: r[1:] for r in ctx.session.execute(text(sql))}
    joined = {pid: provider.from_stored(stored.get(pid), ctx.now) for pid in ids}
    batch = provider.statuses_for(ctx.session, ids, ctx.now)
    assert joined[stale.id] is None and stale.id not in batch
    assert {pid: s for pid, s in joined.items() if s is not None} == batch
