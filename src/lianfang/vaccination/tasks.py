"""The vaccination module's worker side: the periodic scan that moves booster due dates as days pass,
follows people who moved and refreshes the coverage table once per local day (refresh.scan)."""

from __future__ import annotations

from lianfang.core.jobs import Runtime
from lianfang.vaccination import refresh

SCAN_SECONDS = 900.0


def register(runtime: Runtime) -> None:
    runtime.periodic["vaccination.refresh"] = (SCAN_SECONDS, refresh.scan)
