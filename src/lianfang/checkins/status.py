"""Where a visitor's (or a registrar's) health status comes from.

Check-ins sit below health codes, so they cannot ask that module; they ask a `StatusProvider` that the
composition root installs for the runtime (`install(runtime, provider)`; a later health-code module
installs its own). Until then the provider is the neutral one: it says "status not yet available"
(grey) for everyone, never a fabricated green, and it does not stop a registrar from holding codes.

The scan writers ask for the statuses of a whole committed batch at once (`batch_statuses`, in the
writer's transaction; `batch_statuses_async` on the event-loop writer's connection): a provider that
can answer many persons in one query gives `statuses_for` / `statuses_async` (`BatchStatusProvider`).
A person left out of a batch answer (or every person, for a provider that needs a session and has no
batch method) is asked one at a time with `status_for_person`, the slower path."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

from lianfang.checkins.rules import NOT_AVAILABLE, Status
from lianfang.core.events import EventBus
from lianfang.core.jobs import Runtime


class StatusProvider(Protocol):
    # False when status_for_person never touches the session (the scan fast path then skips a thread hop).
    needs_session: bool

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status: ...


class BatchStatusProvider(StatusProvider, Protocol):
    def statuses_for(
        self, session: Session | None, person_ids: Collection[int], now: datetime
    ) -> dict[int, Status]:
        """What `status_for_person` would say, for many persons in one query; a person it leaves out
        is asked with `status_for_person`."""
        ...

    async def statuses_async(
        self, conn: Any, person_ids: Collection[int], now: datetime
    ) -> dict[int, Status]:
        """The same on an autocommit `psycopg.AsyncConnection` (the event-loop scan writer's)."""
        ...


class NeutralStatusProvider:
    """The honest placeholder until the health-code module exists."""

    needs_session = False

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status:
        del session, person_id, now
        return NOT_AVAILABLE

    def statuses_for(
        self, session: Session | None, person_ids: Collection[int], now: datetime
    ) -> dict[int, Status]:
        del session, now
        return dict.fromkeys(person_ids, NOT_AVAILABLE)

    async def statuses_async(
        self, conn: Any, person_ids: Collection[int], now: datetime
    ) -> dict[int, Status]:
        del conn, now
        return dict.fromkeys(person_ids, NOT_AVAILABLE)


NEUTRAL = NeutralStatusProvider()
_PROVIDERS: WeakKeyDictionary[EventBus, StatusProvider] = WeakKeyDictionary()


def install(runtime: Runtime, provider: StatusProvider) -> None:
    _PROVIDERS[runtime.bus] = provider


def provider_for(bus: EventBus) -> StatusProvider:
    """The runtime's provider (found through its event bus, which every Ctx carries)."""
    return _PROVIDERS.get(bus, NEUTRAL)


def _batch(provider: StatusProvider) -> BatchStatusProvider | None:
    return provider if hasattr(provider, "statuses_for") else None  # type: ignore[return-value]


def batch_statuses(
    bus: EventBus, session: Session | None, person_ids: Collection[int], now: datetime
) -> dict[int, Status]:
    """Statuses of many persons at once, as far as the provider can give them without the slow path."""
    provider = provider_for(bus)
    if not person_ids:
        return {}
    batch = _batch(provider)
    if batch is not None:
        return batch.statuses_for(session, person_ids, now)
    if provider.needs_session:
        return {}
    return {pid: provider.status_for_person(None, pid, now) for pid in person_ids}


async def batch_statuses_async(
    bus: EventBus, conn: Any, person_ids: Collection[int], now: datetime
) -> dict[int, Status]:
    """`batch_statuses` on an autocommit psycopg connection of the event loop."""
    provider = provider_for(bus)
    if not person_ids:
        return {}
    batch = _batch(provider)
    if batch is not None:
        return await batch.statuses_async(conn, person_ids, now)
    if provider.needs_session:
        return {}
    return {pid: provider.status_for_person(None, pid, now) for pid in person_ids}
