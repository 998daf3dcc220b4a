"""The enforcement module's wiring: the reopen guard on venue status changes and the periodic scan that
keeps venue types under a closure order closed."""

from __future__ import annotations

from lianfang.core.jobs import Runtime
from lianfang.enforcement.closures.service import enforce_closures, guard_reopen
from lianfang.venues.events import VenueStatusChanged

SCAN_SECONDS = 300.0


def register(runtime: Runtime) -> None:
    runtime.bus.subscribe(VenueStatusChanged, guard_reopen)
    runtime.periodic["enforcement.enforce_closures"] = (SCAN_SECONDS, enforce_closures)
