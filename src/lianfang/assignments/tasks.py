"""Job handlers and periodic scans of the assignments module."""

from __future__ import annotations

from lianfang.core.jobs import Runtime


def register(runtime: Runtime) -> None:
    del runtime
