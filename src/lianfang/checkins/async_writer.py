"""The group-commit writer on PostgreSQL in a server: `core.group_commit.AsyncGroupWriter` (a task on
the server's event loop with a few asynchronous psycopg connections of its own) with the scans' batch
statement.

Same contract as `writer.GroupCommitWriter` (a request awaits its row's commit), but no thread: a writer
thread shares the interpreter lock with the event loop, and handing batches and answers between them
cost more than the inserts. Each batch is one statement in autocommit (`pgwrite.BATCH`), so it is one
round trip and one durable commit. Used when the runtime's sessions are bound to a PostgreSQL engine (a
served app); tests, which bind sessions to one connection in a transaction, and SQLite use the thread
writer. After the batch, the visitors' statuses are read in one more statement on the same connection
(`status.batch_statuses_async`)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import URL

from lianfang.checkins import pgwrite
from lianfang.checkins.status import batch_statuses_async
from lianfang.checkins.writer import Outcome, ScanRow, Written, status_wanted, with_statuses
from lianfang.core import group_commit
from lianfang.core.events import EventBus

log = logging.getLogger(__name__)


class AsyncGroupWriter(group_commit.AsyncGroupWriter[ScanRow, Written]):
    name = "scan-writer"

    def __init__(self, url: URL, bus: EventBus | None = None, **kw: Any) -> None:
        super().__init__(url, **kw)
        self.bus = bus

    async def write_batch(self, conn: Any, items: list[ScanRow]) -> list[Outcome]:
        async with conn.cursor() as cursor:
            await cursor.execute(pgwrite.BATCH, pgwrite.batch_params(items))
            partial = pgwrite.Partial(items, await cursor.fetchall())
            found: list[tuple[Any, ...]] = []
            missing = partial.missing()
            if missing:
                await cursor.execute(pgwrite.EXISTING, missing)
                found = await cursor.fetchall()
        outcomes = partial.complete(found)
        if self.bus is None:
            return outcomes
        ids, now = status_wanted(items, outcomes)
        try:
            statuses = await batch_statuses_async(self.bus, conn, ids, now)
        except Exception:  # the scans are committed: raising would retry them as duplicates
            log.exception("%s: status read failed; each request asks on its own", self.name)
            return outcomes
        return with_statuses(outcomes, statuses)
