"""The health-code module's worker side and wiring: event subscriptions, the area refresh job, the
nightly pass as a once-a-minute state scan, and the door-status provider installed into checkins."""

from __future__ import annotations

from lianfang.checkins.scans import ports as checkins_status
from lianfang.core.jobs import Runtime
from lianfang.healthcodes import handlers
from lianfang.healthcodes.qr import tasks as key_tasks
from lianfang.healthcodes.status import tasks as nightly
from lianfang.healthcodes.status.views import HealthCodeProvider

PASS_SECONDS = 60.0


def register(runtime: Runtime) -> None:
    for event_type, handler in handlers.SUBSCRIPTIONS:
        runtime.bus.subscribe(event_type, handler)
    runtime.handlers[handlers.AREA_JOB] = handlers.refresh_area
    runtime.periodic["healthcodes.nightly"] = (PASS_SECONDS, nightly.run_pass)
    key_tasks.register(runtime)
    checkins_status.install(runtime, HealthCodeProvider(runtime.settings.healthcode_edition))
