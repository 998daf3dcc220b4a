"""The signing-key schedule as a periodic task of the worker: a key signs now, and the next is published a
day before it takes over (healthcodes.keys.maintain). A state scan: a worker that was stopped creates
what is missing on its first pass, and a second pass changes nothing."""

from __future__ import annotations

from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from lianfang.healthcodes.qr import service as keys

KEYS_SECONDS = 600.0  # the schedule is checked every 10 minutes (and on the worker's first pass)


def maintain_keys(ctx: Ctx) -> int:
    return keys.maintain(ctx)


def register(runtime: Runtime) -> None:
    runtime.periodic["healthcodes.keys"] = (KEYS_SECONDS, maintain_keys)
