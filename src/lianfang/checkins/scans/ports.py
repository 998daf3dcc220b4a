"""Where a visitor's (or a registrar's) health status comes from.

Check-ins sit below health codes, so they cannot ask that module; they ask a `StatusProvider` that the
composition root installs for the runtime (`install(runtime, provider)`; a later health-code module
installs its own). Until then the provider is the neutral one: it says "status not yet available"
(grey) for everyone, never a fabricated green, and it does not stop a registrar from holding codes.

The scan writers ask for the statuses of a whole committed batch at once, in the writer's transaction:
a provider that answers many persons in one query gives `statuses_for` (`BatchStatusProvider`); one
whose statuses are stored rows also names them as a PostgreSQL relation (`StoredStatusProvider`), which
the event-loop writer's batch statement joins, so the statuses cost no round trip of their own. A
person a provider leaves out of a batch answer (or every person, for a provider that needs a session
and has neither) is asked alone with `status_for_person`: the slower path."""

from __future__ import annotations

from collections.abc import Collection, Sequence
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


class StoredStatusProvider(BatchStatusProvider, Protocol):
    # PostgreSQL: a relation with the columns (person_id, colour, popups, next_change_on), one row at
    # most a person (joined on person_id; no row means the provider's `from_stored(None, now)`).
    stored_statuses_sql: str

    def from_stored(self, stored: Sequence[Any] | None, now: datetime) -> Status | None:
        """The door status from a stored (colour, popups, next_change_on), or None when only
        `status_for_person` can say (the row is due to be re-derived)."""
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


NEUTRAL = NeutralStatusProvider()
_PROVIDERS: WeakKeyDictionary[EventBus, StatusProvider] = WeakKeyDictionary()


def install(runtime: Runtime, provider: StatusProvider) -> None:
    _PROVIDERS[runtime.bus] = provider


def provider_for(bus: EventBus) -> StatusProvider:
    """The runtime's provider (found through its event bus, which every Ctx carries)."""
    return _PROVIDERS.get(bus, NEUTRAL)


def batch_statuses(
    bus: EventBus, session: Session | None, person_ids: Collection[int], now: datetime
) -> dict[int, Status]:
    """Statuses of many persons at once, as the provider gives them without the slow path."""
    provider = provider_for(bus)
    if not person_ids:
        return {}
    if hasattr(provider, "statuses_for"):
        batch: BatchStatusProvider = provider  # type: ignore[assignment]
        return batch.statuses_for(session, person_ids, now)
    if provider.needs_session:
        return {}
    return {pid: provider.status_for_person(None, pid, now) for pid in person_ids}


def stored_provider(bus: EventBus) -> StoredStatusProvider | None:
    """The runtime's provider when its statuses can be joined into a PostgreSQL statement."""
    provider = provider_for(bus)
    return provider if hasattr(provider, "stored_statuses_sql") else None  # type: ignore[return-value]
