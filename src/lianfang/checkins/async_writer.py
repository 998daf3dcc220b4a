"""The group-commit writer on PostgreSQL in a server: `core.group_commit.AsyncGroupWriter` (a task on
the server's event loop with a few asynchronous psycopg connections of its own) with the scans' batch
statement.

Same contract as `writer.GroupCommitWriter` (a request awaits its row's commit), but no thread: a writer
thread shares the interpreter lock with the event loop, and handing batches and answers between them
cost more than the inserts. Each batch is one statement in autocommit (`pgwrite.BATCH`), so it is one
round trip and one durable commit. Used when the runtime's sessions are bound to a PostgreSQL engine (a
served app); tests, which bind sessions to one connection in a transaction, and SQLite use the thread
writer. The visitors' stored statuses are read by the same statement (`pgwrite.batch_sql` with the
status provider's relation; see `status.StoredStatusProvider`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL

from lianfang.checkins import pgwrite
from lianfang.checkins.status import batch_statuses, stored_provider
from lianfang.checkins.writer import Outcome, ScanRow, Written, status_wanted, with_statuses
from lianfang.core import group_commit
from lianfang.core.events import EventBus


class AsyncGroupWriter(group_commit.AsyncGroupWriter[ScanRow, Written]):
    name = "scan-writer"

    def __init__(self, url: URL, bus: EventBus | None = None, **kw: Any) -> None:
        super().__init__(url, **kw)
        self.bus = bus

    async def write_batch(self, conn: Any, items: list[ScanRow]) -> list[Outcome]:
        provider = stored_provider(self.bus) if self.bus is not None else None
        statement, door = pgwrite.BATCH, None
        now = max(r.created_at for r in items)
        if provider is not None:
            statement = pgwrite.batch_sql(provider.stored_statuses_sql)
            door = lambda stored: provider.from_stored(stored, now)  # noqa: E731
        async with conn.cursor() as cursor:
            await cursor.execute(statement, pgwrite.batch_params(items))
            partial = pgwrite.Partial(items, await cursor.fetchall(), door)
            found: list[tuple[Any, ...]] = []
            missing = partial.missing()
            if missing:
                await cursor.execute(pgwrite.EXISTING, missing)
                found = await cursor.fetchall()
        outcomes = partial.complete(found)
        if provider is not None or self.bus is None:
            return outcomes
        ids, _ = status_wanted(items, outcomes)  # a provider with no stored statuses needs no session
        return with_statuses(outcomes, batch_statuses(self.bus, None, ids, now))
