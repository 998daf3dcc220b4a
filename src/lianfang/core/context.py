"""The unit-of-work context every service receives: session, actor, settings, time, event bus."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import Actor
from lianfang.core.events import EventBus, Gathering, Reaction


@dataclass(frozen=True)
class Ctx:
    session: Session
    actor: Actor
    settings: Settings
    now: datetime
    bus: EventBus
    gathering: Gathering | None = None

    def as_actor(self, actor: Actor) -> Ctx:
        return replace(self, actor=actor)

    def publish(self, event: object) -> None:
        self.bus.publish(self, event)

    def react(self, key: str, react: Reaction, item: Any) -> None:
        """`react(ctx, [item])` now; inside `gathered()`, once at its end with every item of `key`."""
        if self.gathering is None:
            react(self, [item])
        else:
            self.gathering.add(key, react, item)

    @contextmanager
    def gathered(self) -> Iterator[Ctx]:
        """A bulk action's context: the reactions its events put off (`react`) run when it ends without
        error, once per key (inside an outer one, at the outer one's end)."""
        if self.gathering is not None:
            yield self
            return
        gathering = Gathering()
        inner = replace(self, gathering=gathering)
        yield inner
        gathering.run(inner)
