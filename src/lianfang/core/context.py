"""The unit-of-work context every service receives: session, actor, settings, time, event bus."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import Actor
from lianfang.core.events import EventBus


@dataclass(frozen=True)
class Ctx:
    session: Session
    actor: Actor
    settings: Settings
    now: datetime
    bus: EventBus

    def as_actor(self, actor: Actor) -> Ctx:
        return replace(self, actor=actor)

    def publish(self, event: object) -> None:
        self.bus.publish(self, event)
