"""`lianfang worker`: runs jobs and periodic scans until interrupted."""

from __future__ import annotations

import signal
import threading

from lianfang.app import build_runtime
from lianfang.config import Settings
from lianfang.core.jobs import serve_forever


def run(settings: Settings) -> None:
    runtime = build_runtime(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    serve_forever(runtime, stop)
