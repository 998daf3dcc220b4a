"""Transactional outbox and worker. A job row is written in the same transaction as the change that
causes it, so nothing leaves before commit; `lianfang worker` (or the embedded worker) claims and runs
jobs, each in its own transaction. Periodic tasks are state scans, so a restart loses nothing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import Base, transaction
from lianfang.core.events import EventBus
from lianfang.core.types import UTCDateTime

log = logging.getLogger("lianfang.worker")

JobHandler = Callable[[Ctx, dict[str, Any]], None]
PeriodicTask = Callable[[Ctx], int]


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_at", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


def enqueue(
    ctx: Ctx,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> Job | None:
    if dedupe_key is not None:
        exists = ctx.session.scalar(select(Job.id).where(Job.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    job = Job(
        kind=kind,
        payload=payload,
        run_at=run_at or ctx.now,
        created_at=ctx.now,
        dedupe_key=dedupe_key,
        status="pending",
        attempts=0,
        max_attempts=5,
    )
    ctx.session.add(job)
    ctx.session.flush()
    return job


@dataclass
class Runtime:
    """What the worker needs: settings, sessions, the bus, job handlers and periodic tasks."""

    settings: Settings
    factory: sessionmaker[Session]
    bus: EventBus
    handlers: dict[str, JobHandler] = field(default_factory=dict)
    periodic: dict[str, tuple[float, PeriodicTask]] = field(default_factory=dict)

    def ctx(self, session: Session, now: datetime | None = None) -> Ctx:
        return Ctx(session=session, actor=SYSTEM, settings=self.settings, now=now or utcnow(), bus=self.bus)


def _claim(session: Session, now: datetime, limit: int, lease: timedelta) -> list[int]:
    due = ((Job.status == "pending") | ((Job.status == "running") & (Job.locked_until < now))) & (
        Job.run_at <= now
    )
    query = select(Job.id).where(due).order_by(Job.run_at, Job.id).limit(limit)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        ids = list(session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            session.execute(
                update(Job).where(Job.id.in_(ids)).values(status="running", locked_until=now + lease)
            )
        return ids
    claimed: list[int] = []
    for job_id in session.scalars(query):
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, due)
            .values(status="running", locked_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(job_id)
    return claimed


def run_due_jobs(runtime: Runtime, now: datetime | None = None, limit: int = 100) -> int:
    now = now or utcnow()
    with transaction(runtime.factory) as session:
        ids = _claim(session, now, limit, timedelta(minutes=5))
    for job_id in ids:
        _run_one(runtime, job_id, now)
    return len(ids)


def _run_one(runtime: Runtime, job_id: int, now: datetime) -> None:
    try:
        with transaction(runtime.factory) as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            handler = runtime.handlers.get(job.kind)
            if handler is None:
                msg = f"no handler for job kind {job.kind!r}"
                raise LookupError(msg)
            handler(runtime.ctx(session, now), dict(job.payload))
            job.status = "done"
            job.attempts += 1
            job.finished_at = now
            job.locked_until = None
    except Exception as exc:
        log.exception("job %s failed", job_id)
        with transaction(runtime.factory) as session:
            job = session.get(Job, job_id)
            if job is not None:
                job.attempts += 1
                job.last_error = repr(exc)[:2000]
                job.locked_until = None
                if job.attempts >= job.max_attempts:
                    job.status = "failed"
                else:
                    job.status = "pending"
                    job.run_at = now + timedelta(seconds=30 * 2**job.attempts)


def run_periodic(runtime: Runtime, last_run: dict[str, float], clock_seconds: float, now: datetime) -> int:
    done = 0
    for name, (interval, task) in runtime.periodic.items():
        if clock_seconds - last_run.get(name, float("-inf")) < interval:
            continue
        last_run[name] = clock_seconds
        try:
            with transaction(runtime.factory) as session:
                done += task(runtime.ctx(session, now))
        except Exception:
            log.exception("periodic task %s failed", name)
    return done


def tick(
    runtime: Runtime, last_run: dict[str, float], clock_seconds: float, now: datetime | None = None
) -> int:
    """One pass of the worker: periodic scans first (they may enqueue), then due jobs."""
    now = now or utcnow()
    return run_periodic(runtime, last_run, clock_seconds, now) + run_due_jobs(runtime, now)


def serve_forever(runtime: Runtime, stop: threading.Event) -> None:
    import time

    last_run: dict[str, float] = {}
    log.info("worker started")
    while not stop.is_set():
        try:
            tick(runtime, last_run, time.monotonic())
        except Exception:
            log.exception("worker pass failed")
        stop.wait(runtime.settings.worker_poll_seconds)
    log.info("worker stopped")
