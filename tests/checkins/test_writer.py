"""The group-commit writers: concurrent rows share commits, a bad row fails alone, an unregistered
person is refused per row, a retried key returns the original; the event-loop writer on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from lianfang.checkins.models import Scan
from lianfang.checkins.rules import NOT_AVAILABLE, Status, scan_date
from lianfang.checkins.scans import ports as status
from lianfang.checkins.scans.writer import AsyncGroupWriter, GroupCommitWriter, ScanRow
from lianfang.core.errors import Invalid
from lianfang.core.events import EventBus
from tests.factories.checkins import visitor
from tests.factories.jurisdictions import make_city


def _row(now, venue_id, key, person_id=1, person_key=None):
    return ScanRow(
        scan_date(now),
        venue_id,
        person_id,
        None,
        now,
        now + timedelta(minutes=5),
        False,
        "api",
        None,
        key,
        now,
        person_key,
    )


async def _write_all(writer, rows):
    return await asyncio.gather(*(writer.write(r) for r in rows), return_exceptions=True)


def test_concurrent_rows_share_commits_and_fail_alone(ctx, runtime, session):
    city = make_city(ctx)
    person = visitor(ctx, city["110105001001"], name="陈九")
    session.commit()
    writer = GroupCommitWriter(runtime.factory, EventBus(), idle_seconds=0.2)
    good = asyncio.run(_write_all(writer, [_row(ctx.now, 7, f"v{i}") for i in range(40)]))
    assert len({r.scan_id for r in good}) == 40
    assert writer.commits < writer.rows  # rows that arrived together shared commits
    rows = [_row(ctx.now, 7, f"w{i}") for i in range(40)]
    rows.append(_row(ctx.now, None, "broken"))  # NOT NULL venue: fails on its own
    rows.append(_row(ctx.now, 7, "who", None, "p:nobody"))
    rows.append(_row(ctx.now, 7, "named", None, f"p:{person.pseudonym}"))
    rows.append(_row(ctx.now, 7, "w0"))  # a retry of the first
    results = asyncio.run(_write_all(writer, rows))
    written = results[:40]
    assert all(not r.duplicate for r in written) and len({r.scan_id for r in written}) == 40
    assert isinstance(results[40], Exception)
    assert isinstance(results[41], Invalid) and results[41].problems[0].field == "person_pseudonym"
    assert results[42].person_id == person.id and results[42].person.name_masked == "陈*"
    assert results[43].duplicate and results[43].scan_id == written[0].scan_id
    assert results[42].status == NOT_AVAILABLE  # read with the batch (the neutral provider here)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Scan).where(Scan.venue_id == 7)) == 81


class _Batch:
    needs_session = True

    def __init__(self, fail=False):
        self.fail, self.asked = fail, []

    def status_for_person(self, session, person_id, now):
        return Status("green", "未见异常", "no abnormality")

    def statuses_for(self, session, person_ids, now):
        if self.fail:
            raise RuntimeError("status store unavailable")
        self.asked.append(sorted(person_ids))
        return {pid: Status("red", "集中观察", "central observation") for pid in person_ids if pid != 2}


def test_statuses_come_with_the_batch_and_a_failed_read_keeps_the_scans(ctx, runtime, session):
    bus = EventBus()
    provider = _Batch()
    status.install(SimpleNamespace(bus=bus), provider)
    writer = GroupCommitWriter(runtime.factory, bus, idle_seconds=0.2)
    done = asyncio.run(_write_all(writer, [_row(ctx.now, 8, f"s{i}", 1 + i % 3) for i in range(6)]))
    assert [d.status.colour if d.status else None for d in done[:3]] == ["red", None, "red"]
    assert all(ids and set(ids) <= {1, 2, 3} for ids in provider.asked)  # one read per batch
    provider.fail = True
    kept = asyncio.run(_write_all(writer, [_row(ctx.now, 8, "s-after")]))
    assert kept[0].scan_id and kept[0].status is None  # stored; the request asks on its own
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Scan).where(Scan.venue_id == 8)) == 7


class _Stored(_Batch):
    """Stored statuses as a relation the event-loop writer's statement joins: person 1 is red, person 2
    is due to be re-derived (left to the one-person read), nobody else has a row."""

    stored_statuses_sql = (
        "SELECT * FROM (VALUES (1, 'red', '', NULL::date), (2, 'red', '', DATE '2000-01-01')) "
        "AS v(person_id, colour, popups, next_change_on)"
    )

    def from_stored(self, stored, now):
        if stored is None:
            return Status("green", "未见异常", "no abnormality")
        return None if stored[2] is not None else Status(stored[0], "集中观察", "central observation")


@pytest.fixture
def outside(settings):
    """A real connection outside the test's transaction (the event-loop writer commits for real)."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the event-loop writer serves PostgreSQL")
    engine = create_engine(settings.database_url)
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM scans WHERE venue_id >= 900000"))
    engine.dispose()


def test_the_event_loop_writer_on_postgresql(ctx, settings, outside):
    writer = AsyncGroupWriter(make_url(settings.database_url), EventBus(), connections=2)
    rows = [_row(ctx.now, 900001, f"a{i}") for i in range(30)]
    rows += [_row(ctx.now, 900001, "ghost", None, "h:" + "0" * 64), _row(ctx.now, 900001, "a3")]

    async def run():
        first = await _write_all(writer, rows)
        again = await _write_all(writer, rows[:2])
        await writer.aclose()
        return first, again

    first, again = asyncio.run(run())
    assert len({r.scan_id for r in first[:30]}) == 30 and not any(r.duplicate for r in first[:30])
    assert isinstance(first[30], Invalid) and first[30].problems[0].field == "id_number"
    assert first[31].duplicate and first[31].scan_id == first[3].scan_id
    assert first[0].status == NOT_AVAILABLE and first[31].status == NOT_AVAILABLE
    assert [r.scan_id for r in again] == [first[0].scan_id, first[1].scan_id] and all(
        r.duplicate for r in again
    )
    assert writer.commits >= 2
    bus = EventBus()
    status.install(SimpleNamespace(bus=bus), _Stored())
    joined = AsyncGroupWriter(make_url(settings.database_url), bus, connections=1)

    async def run_joined():
        done = await _write_all(joined, [_row(ctx.now, 900002, f"j{p}", p) for p in (1, 2, 3)])
        retried = await _write_all(joined, [_row(ctx.now, 900002, "j1", 1)])
        await joined.aclose()
        return done + retried

    done = asyncio.run(run_joined())
    assert [d.status.colour if d.status else None for d in done] == ["red", None, "green", "red"]
    assert done[3].duplicate and done[3].scan_id == done[0].scan_id
    with outside.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scans WHERE venue_id = 900001")).scalar_one() == 30
