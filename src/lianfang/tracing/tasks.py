"""The tracing module's wiring: event subscriptions (see handlers)."""

from __future__ import annotations

from lianfang.assignments.events import AssignmentCompleted
from lianfang.core.jobs import Runtime
from lianfang.testing.events import ResultPositive
from lianfang.tracing import handlers


def register(runtime: Runtime) -> None:
    runtime.bus.subscribe(ResultPositive, handlers.on_result_positive)
    runtime.bus.subscribe(AssignmentCompleted, handlers.on_assignment_completed)
