"""The analytics worker side: the dashboard figures are refreshed every few minutes, and within a
minute after tracing reports a case or a contact (one de-duplicated job per minute)."""

from __future__ import annotations

from datetime import timedelta

from lianfang.analytics import refresh
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime, enqueue
from lianfang.tracing.events import CaseOpened, CaseStatusChanged, ContactConfirmed

REFRESH_SECONDS = 300.0
JOB = "analytics.refresh"


def _refresh_next_minute(ctx: Ctx, _events: list[object]) -> None:
    minute = ctx.now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    enqueue(ctx, JOB, {}, run_at=minute, dedupe_key=f"{JOB}:{minute.isoformat()}")


def soon(ctx: Ctx, event: object) -> None:
    """A refresh in the next minute (one for all the events of a bulk action)."""
    ctx.react(JOB, _refresh_next_minute, event)


def register(runtime: Runtime) -> None:
    runtime.periodic[JOB] = (REFRESH_SECONDS, refresh.periodic)
    runtime.handlers[JOB] = refresh.refresh_job
    for event in (CaseOpened, CaseStatusChanged, ContactConfirmed):
        runtime.bus.subscribe(event, soon)
