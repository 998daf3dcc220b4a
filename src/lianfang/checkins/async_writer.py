"""The group-commit writer on PostgreSQL in a server: a task on the server's event loop with a few
asynchronous psycopg connections of its own.

Same contract as `writer.GroupCommitWriter` (a request awaits its row's commit), but no thread: a writer
thread shares the interpreter lock with the event loop, and handing batches and answers between them
cost more than the inserts. Each batch is one statement in autocommit (`pgwrite.BATCH`), so it is one
round trip and one durable commit. Up to `connections` batches are in flight at once: a row that
arrives while a commit is waiting for its WAL flush goes out on another connection instead of waiting
for that flush and then its own (PostgreSQL flushes concurrent commits together). Used when the
runtime's sessions are bound to a PostgreSQL engine (a served app); tests, which bind sessions to one
connection in a transaction, and SQLite use the thread writer."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from lianfang.checkins import pgwrite
from lianfang.checkins.writer import Outcome, ScanRow, Written, settle

log = logging.getLogger("lianfang.checkins")
Connection = psycopg.AsyncConnection[Any]


def conninfo(url: URL) -> str:
    """A libpq connection string from the SQLAlchemy URL of the engine."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class AsyncGroupWriter:
    def __init__(self, url: URL, max_batch: int = 1000, connections: int = 4) -> None:
        self._conninfo = conninfo(url)
        self._max_batch = max_batch
        self._size = connections
        self._pending: list[tuple[ScanRow, asyncio.Future[Written]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._idle: asyncio.Queue[Connection | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self.commits = 0
        self.rows = 0

    async def write(self, row: ScanRow) -> Written:
        """Queue a row and wait until it is committed."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._task is None or self._task.done():
            self._start(loop)
        future: asyncio.Future[Written] = loop.create_future()
        self._pending.append((row, future))
        self._wake.set()
        return await future

    async def aclose(self) -> None:
        """Stop and close the connections (the server simply exits; tests and tools call this)."""
        if self._task is not None:
            self._task.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        while not self._idle.empty():
            conn = self._idle.get_nowait()
            if conn is not None:
                await conn.close()
        self._task = None

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """(Re)start on this loop; connections belong to the loop that opened them."""
        self._loop, self._wake, self._idle = loop, asyncio.Event(), asyncio.Queue()
        for _ in range(self._size):
            self._idle.put_nowait(None)  # a slot: connected on first use
        self._task = loop.create_task(self._run(), name="scan-writer")

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                conn = await self._idle.get()  # while every connection is busy, rows gather
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                task = asyncio.get_running_loop().create_task(self._flush(conn, batch))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)

    async def _flush(
        self, conn: Connection | None, batch: list[tuple[ScanRow, asyncio.Future[Written]]]
    ) -> None:
        try:
            conn, outcomes = await self._commit(conn, [row for row, _ in batch])
            settle([(future, outcome) for (_, future), outcome in zip(batch, outcomes, strict=True)])
        finally:
            self._idle.put_nowait(conn)

    async def _commit(
        self, conn: Connection | None, rows: list[ScanRow]
    ) -> tuple[Connection | None, list[Outcome]]:
        try:
            if conn is None or conn.closed:
                # Autocommit: the batch is one statement, committed (and flushed) when it returns.
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            async with conn.cursor() as cursor:
                await cursor.execute(pgwrite.BATCH, pgwrite.batch_params(rows))
                partial = pgwrite.Partial(rows, await cursor.fetchall())
                found: list[tuple[Any, ...]] = []
                missing = partial.missing()
                if missing:
                    await cursor.execute(pgwrite.EXISTING, missing)
                    found = await cursor.fetchall()
            self.commits += 1
            self.rows += len(rows)
            return conn, partial.complete(found)
        except Exception as exc:
            if conn is not None and conn.broken:
                conn = None
            if len(rows) == 1:
                log.exception("scan write failed")
                return conn, [exc]
        outcomes: list[Outcome] = []
        for row in rows:  # one bad row must not fail the others
            conn, (outcome,) = await self._commit(conn, [row])
            outcomes.append(outcome)
        return conn, outcomes
