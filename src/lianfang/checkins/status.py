"""Where a visitor's (or a registrar's) health status comes from.

Check-ins sit below health codes, so they cannot ask that module; they ask a `StatusProvider` that the
composition root installs for the runtime (`install(runtime, provider)`; a later health-code module
installs its own). Until then the provider is the neutral one: it says "status not yet available"
(grey) for everyone, never a fabricated green, and it does not stop a registrar from holding codes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

from lianfang.checkins.rules import NOT_AVAILABLE, Status
from lianfang.core.events import EventBus
from lianfang.core.jobs import Runtime


class StatusProvider(Protocol):
    # False when status_for_person never touches the session (the scan fast path then skips a thread hop).
    needs_session: bool

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status: ...


class NeutralStatusProvider:
    """The honest placeholder until the health-code module exists."""

    needs_session = False

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status:
        del session, person_id, now
        return NOT_AVAILABLE


NEUTRAL = NeutralStatusProvider()
_PROVIDERS: WeakKeyDictionary[EventBus, StatusProvider] = WeakKeyDictionary()


def install(runtime: Runtime, provider: StatusProvider) -> None:
    _PROVIDERS[runtime.bus] = provider


def provider_for(bus: EventBus) -> StatusProvider:
    """The runtime's provider (found through its event bus, which every Ctx carries)."""
    return _PROVIDERS.get(bus, NEUTRAL)
