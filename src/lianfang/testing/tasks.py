"""The testing module's worker side: refresh the progress of open rounds every minute."""

from __future__ import annotations

from lianfang.core.jobs import Runtime
from lianfang.testing.rounds.refresh import refresh_open_rounds

PROGRESS_SECONDS = 60.0


def register(runtime: Runtime) -> None:
    runtime.periodic["testing.progress"] = (PROGRESS_SECONDS, refresh_open_rounds)
