"""The travel module's worker side: the `travel.reflag` job after a risk-area change (everyone affected is
re-flagged within the worker's poll interval) and the periodic scan that moves the 14-day window."""

from __future__ import annotations

from typing import Any

from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from lianfang.travel.flags import service as flags

SCAN_SECONDS = 900.0


def reflag_job(ctx: Ctx, payload: dict[str, Any]) -> None:
    area_id = payload.get("risk_area_id")
    flags.reflag(ctx, int(area_id) if area_id is not None else None)


def register(runtime: Runtime) -> None:
    runtime.handlers[flags.REFLAG_JOB] = reflag_job
    runtime.periodic["travel.scan"] = (SCAN_SECONDS, flags.scan)
