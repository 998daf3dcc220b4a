"""The assignments module's worker side: the deadline scan every minute and the `notify` job handler."""

from __future__ import annotations

import logging
from typing import Any

from lianfang.assignments.service import scan_deadlines
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime

log = logging.getLogger("lianfang.assignments")
SCAN_SECONDS = 60.0


def notify(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Deliver a notification about an item. For now it is logged; SMS and push come later."""
    del ctx
    log.info(
        "assignment %s: %s (user %s, jurisdiction %s) %s",
        payload.get("assignment_id"),
        payload.get("event"),
        payload.get("to_user_id"),
        payload.get("to_path"),
        payload.get("title", ""),
    )


def register(runtime: Runtime) -> None:
    runtime.periodic["assignments.scan_deadlines"] = (SCAN_SECONDS, scan_deadlines)
    runtime.handlers["notify"] = notify
