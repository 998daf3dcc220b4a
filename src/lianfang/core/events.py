"""In-process domain events. Handlers run inside the publisher's transaction; slow or external work
goes to the job outbox instead. Subscriptions are wired once in the composition root.

A bulk action (a thousand contacts confirmed at once) publishes an event per item; a handler whose
reaction is per person (re-deriving a health code) can put it off to the end of the action with
`Ctx.react`, where one pass serves every item (`Gathering`), still inside the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lianfang.core.context import Ctx

Handler = Callable[["Ctx", Any], None]
Reaction = Callable[["Ctx", list[Any]], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, ctx: Ctx, event: object) -> None:
        for handler in self._handlers.get(type(event), []):
            handler(ctx, event)


class Gathering:
    """The reactions put off during one bulk action (`Ctx.gathered`), by key, with their items."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[Reaction, list[Any]]] = {}

    def add(self, key: str, react: Reaction, item: Any) -> None:
        self._pending.setdefault(key, (react, []))[1].append(item)

    def run(self, ctx: Ctx) -> None:
        while self._pending:  # a reaction may publish events whose handlers gather more
            key = next(iter(self._pending))
            react, items = self._pending.pop(key)
            react(ctx, items)
