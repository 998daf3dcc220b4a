"""The door's statuses read for a whole batch of scans at once say what the one-person read says: no
row is green, a stored row shows as stored, and a row due to be re-derived is left to the one-person read,
which derives it (so the scan answers with the derived status, not the stale row)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lianfang.control import orders
from lianfang.control.orders import OrderInput
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.healthcodes.models import HealthStatus
from lianfang.healthcodes.provider import HealthCodeProvider
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


def test_the_event_loop_read_on_postgresql(ctx: Ctx, settings) -> None:  # type: ignore[no-untyped-def]
    """`statuses_async` on a psycopg connection of its own (in a transaction that is rolled back)."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the event-loop writer serves PostgreSQL")
    import psycopg
    from sqlalchemy.engine import make_url

    from lianfang.core.group_commit import conninfo

    today = local_date(ctx.now)

    async def run() -> dict[int, object]:
        conn = await psycopg.AsyncConnection.connect(conninfo(make_url(settings.database_url)))
        try:
            async with conn.cursor() as cur:
                await cur.execute(
                    "INSERT INTO jurisdictions (code, name, name_en, level, path, active) "
                    "VALUES ('X9', 'x', 'x', 'community', '/x9/', true) RETURNING id"
                )
                (community,) = await cur.fetchone()  # type: ignore[misc]
                ids = []
                for n in range(3):
                    await cur.execute(
                        "INSERT INTO people (pseudonym, name, id_kind, id_hash, id_sealed, id_masked, "
                        "nationality, community_id, jurisdiction_path, address, created_at, updated_at) "
                        "VALUES (%s, 'x', 'other', %s, 'x', 'x', 'CHN', %s, '/x9/', '', now(), now()) "
                        "RETURNING id",
                        (f"door-batch-{n}", f"door-batch-{n}", community),
                    )
                    ids.append((await cur.fetchone())[0])  # type: ignore[index]
                rows = [(ids[1], "yellow", "1,4", today + timedelta(days=3)), (ids[2], "red", "", today)]
                for pid, colour, popups, next_on in rows:
                    await cur.execute(
                        "INSERT INTO health_statuses (person_id, jurisdiction_path, colour, popups, edition, "
                        "facts, next_change_on, derived_at, changed_at) "
                        "VALUES (%s, '/x9/', %s, %s, 'bj2020', '[]', %s, now(), now())",
                        (pid, colour, popups, next_on),
                    )
            found = await HealthCodeProvider().statuses_async(conn, ids, ctx.now)
            return {"ids": ids, "found": found}
        finally:
            await conn.rollback()
            await conn.close()

    out = asyncio.run(run())
    ids, found = out["ids"], out["found"]
    assert isinstance(ids, list) and isinstance(found, dict)
    assert found[ids[0]].colour == "green" and not found[ids[0]].alert
    assert (found[ids[1]].colour, found[ids[1]].popups, found[ids[1]].alert) == ("yellow", "1,4", True)
    assert "①④" in found[ids[1]].label_zh
    assert ids[2] not in found  # due today: re-derived by the one-person read
