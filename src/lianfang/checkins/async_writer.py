"""The group-commit writer on PostgreSQL in a server: `core.group_commit.AsyncGroupWriter` (a task on
the server's event loop with a few asynchronous psycopg connections of its own) with the scans' batch
statement.

Same contract as `writer.GroupCommitWriter` (a request awaits its row's commit), but no thread: a writer
thread shares the interpreter lock with the event loop, and handing batches and answers between them
cost more than the inserts. Each batch is one statement in autocommit (`pgwrite.BATCH`), so it is one
round trip and one durable commit. Used when the runtime's sessions are bound to a PostgreSQL engine (a
served app); tests, which bind sessions to one connection in a transaction, and SQLite use the thread
writer."""

from __future__ import annotations

from typing import Any

from lianfang.checkins import pgwrite
from lianfang.checkins.writer import Outcome, ScanRow, Written
from lianfang.core import group_commit


class AsyncGroupWriter(group_commit.AsyncGroupWriter[ScanRow, Written]):
    name = "scan-writer"

    async def write_batch(self, conn: Any, items: list[ScanRow]) -> list[Outcome]:
        async with conn.cursor() as cursor:
            await cursor.execute(pgwrite.BATCH, pgwrite.batch_params(items))
            partial = pgwrite.Partial(items, await cursor.fetchall())
            found: list[tuple[Any, ...]] = []
            missing = partial.missing()
            if missing:
                await cursor.execute(pgwrite.EXISTING, missing)
                found = await cursor.fetchall()
        return partial.complete(found)
