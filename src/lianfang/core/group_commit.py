"""Group commit: one transaction for the rows of many concurrent requests, each request answered only
after its rows are committed.

The database commits a few thousand single-row transactions a second (each waits for its WAL flush), so
the hot write paths do not commit per request: a request hands its validated item to a writer and awaits
it; the writer takes everything queued (up to `max_batch` items), writes them in one transaction with
the module's batch function, commits, and only then wakes the requests. Under load many items share one
commit; alone, an item waits for nothing but its own commit. Nothing is acknowledged before its commit.

The batch function returns one outcome per item, in order: a value, or the exception that refuses that
item (a domain error); it validates every item before writing any, so a refused item writes nothing. If
the transaction fails as a whole, the items are retried one per transaction, so one bad item cannot
fail the others. The writer is one of the documented owners of a transaction (`architecture.md`).

- `GroupCommitWriter`: a background thread with SQLAlchemy sessions (SQLite, tests, and PostgreSQL
  paths whose batch logic is written with the ORM).
- `AsyncGroupWriter`: a task on the server's event loop with a few autocommit psycopg connections of its
  own, for batch functions that are one SQL statement (no thread hand-off; see `checkins.async_writer`).
Core knows no domain: the items and the batch function come from the module that uses a writer."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from lianfang.core.db import transaction

log = logging.getLogger("lianfang.core.group_commit")
I = TypeVar("I")  # noqa: E741 (an item, as queued)
R = TypeVar("R")  # its result
Outcome = Any  # R | BaseException, one per item
BatchWrite = Callable[[Session, list[I]], Sequence[R | BaseException]]


def settle(pairs: Sequence[tuple[asyncio.Future[Any], Outcome]]) -> None:
    """Wake the waiting requests with their outcomes (on the loop that owns the futures)."""
    for future, outcome in pairs:
        if future.done():  # the request was cancelled (client went away); its item is stored anyway
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


@dataclass
class _Pending(Generic[I]):
    item: I
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class GroupCommitWriter(Generic[I, R]):
    """A background thread that batches items from concurrent requests into commits. It starts on the
    first item and stops after `idle_seconds` without any. Subclasses give `write_batch`, or pass it."""

    name = "group-writer"

    def __init__(
        self,
        factory: sessionmaker[Session],
        max_batch: int = 1000,
        idle_seconds: float = 5.0,
        write_batch: BatchWrite[I, R] | None = None,
    ) -> None:
        self._factory = factory
        self._max_batch = max_batch
        self._idle = idle_seconds
        self._write_batch = write_batch
        self._queue: queue.SimpleQueue[_Pending[I]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False
        self.commits = 0
        self.rows = 0

    def write_batch(self, session: Session, items: list[I]) -> Sequence[R | BaseException]:
        if self._write_batch is None:
            raise NotImplementedError
        return self._write_batch(session, items)

    async def write(self, item: I) -> R:
        """Queue an item and wait until it is committed; raises the item's refusal."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._put([_Pending(item, future, loop)])
        return await future

    async def write_many(self, items: Sequence[I]) -> list[R | BaseException]:
        """Queue items together (a batch upload) and wait for all; one outcome per item, in order."""
        loop = asyncio.get_running_loop()
        pending = [_Pending(item, loop.create_future(), loop) for item in items]
        self._put(pending)
        done = await asyncio.gather(*(p.future for p in pending), return_exceptions=True)
        return list(done)

    def _put(self, pending: list[_Pending[I]]) -> None:
        with self._lock:
            for p in pending:
                self._queue.put(p)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name=self.name, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._running = False
                        return
                continue
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._deliver(batch, self._commit([p.item for p in batch]))

    def _commit(self, items: list[I]) -> list[Outcome]:
        try:
            with transaction(self._factory) as session:
                outcomes = list(self.write_batch(session, items))
            self.commits += 1
            self.rows += len(items)
            return outcomes
        except Exception as exc:
            if len(items) == 1:
                log.exception("%s: write failed", self.name)
                return [exc]
        return [self._commit([item])[0] for item in items]  # one bad item must not fail the others

    def _deliver(self, batch: list[_Pending[I]], outcomes: list[Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Outcome]]]
        by_loop = defaultdict(list)
        for pending, outcome in zip(batch, outcomes, strict=True):
            by_loop[pending.loop].append((pending.future, outcome))
        for loop, pairs in by_loop.items():
            try:
                loop.call_soon_threadsafe(settle, pairs)
            except RuntimeError:  # the loop closed (server shutting down); the items are committed
                log.warning("%s: event loop closed before %d answers", self.name, len(pairs))


def conninfo(url: URL) -> str:
    """A libpq connection string from the SQLAlchemy URL of an engine."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


Connection = Any  # psycopg.AsyncConnection; imported lazily so that SQLite installs need no psycopg
AsyncBatch = Callable[[Connection, list[I]], Awaitable[list[Outcome]]]


class AsyncGroupWriter(Generic[I, R]):
    """Group commit on PostgreSQL from the server's event loop: up to `connections` batches in flight at
    once (a row that arrives while a commit waits for its WAL flush goes out on another connection;
    PostgreSQL flushes concurrent commits together). The connections are in autocommit: `write_batch`
    should be one statement, so a batch is one round trip and one durable commit."""

    name = "async-group-writer"

    def __init__(self, url: URL, max_batch: int = 1000, connections: int = 4) -> None:
        self._conninfo = conninfo(url)
        self._max_batch = max_batch
        self._size = connections
        self._pending: list[tuple[I, asyncio.Future[Any]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._idle: asyncio.Queue[Connection | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self.commits = 0
        self.rows = 0

    async def write_batch(self, conn: Connection, items: list[I]) -> list[Outcome]:
        raise NotImplementedError

    async def write(self, item: I) -> R:
        """Queue an item and wait until it is committed."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._task is None or self._task.done():
            self._start(loop)
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
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
        self._task = loop.create_task(self._run(), name=self.name)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                conn = await self._idle.get()  # while every connection is busy, items gather
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                task = asyncio.get_running_loop().create_task(self._flush(conn, batch))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)

    async def _flush(self, conn: Connection | None, batch: list[tuple[I, asyncio.Future[Any]]]) -> None:
        try:
            conn, outcomes = await self._commit(conn, [item for item, _ in batch])
            settle([(future, outcome) for (_, future), outcome in zip(batch, outcomes, strict=True)])
        finally:
            self._idle.put_nowait(conn)

    async def _commit(
        self, conn: Connection | None, items: list[I]
    ) -> tuple[Connection | None, list[Outcome]]:
        import psycopg

        try:
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            outcomes = await self.write_batch(conn, items)
            self.commits += 1
            self.rows += len(items)
            return conn, outcomes
        except Exception as exc:
            if conn is not None and conn.broken:
                conn = None
            if len(items) == 1:
                log.exception("%s: write failed", self.name)
                return conn, [exc]
        outcomes = []
        for item in items:  # one bad item must not fail the others
            conn, (outcome,) = await self._commit(conn, [item])
            outcomes.append(outcome)
        return conn, outcomes
