"""The control module's wiring: event subscriptions (handlers) and the daily missed-report scan."""

from __future__ import annotations

from lianfang.control import handlers
from lianfang.control.monitoring import service as monitoring
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from lianfang.testing.events import ResultPositive
from lianfang.tracing.events import CaseOpened, CaseStatusChanged, ContactConfirmed
from lianfang.travel.events import ObservationRequired

SCAN_SECONDS = 3600.0


def scan_missed_reports(ctx: Ctx) -> int:
    """Hourly; each order and day is flagged once, so repeating the scan raises nothing new."""
    return monitoring.scan_missed(ctx.as_actor(handlers.CONTROL))


def register(runtime: Runtime) -> None:
    runtime.bus.subscribe(CaseOpened, handlers.on_case_opened)
    runtime.bus.subscribe(CaseStatusChanged, handlers.on_case_status_changed)
    runtime.bus.subscribe(ContactConfirmed, handlers.on_contact_confirmed)
    runtime.bus.subscribe(ObservationRequired, handlers.on_observation_required)
    runtime.bus.subscribe(ResultPositive, handlers.on_result_positive)
    runtime.periodic["control.scan_missed_reports"] = (SCAN_SECONDS, scan_missed_reports)
