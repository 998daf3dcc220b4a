"""In-process domain events. Handlers run inside the publisher's transaction; slow or external work
goes to the job outbox instead. Subscriptions are wired once in the composition root."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lianfang.core.context import Ctx

Handler = Callable[["Ctx", Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, ctx: Ctx, event: object) -> None:
        for handler in self._handlers.get(type(event), []):
            handler(ctx, event)
