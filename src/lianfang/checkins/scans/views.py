"""What a scan needs to know before it is written: which venue a code names and in what state (cached a
few seconds for the single-scan path), and the look-up key of its person (resolved by the writer, for a
whole batch at once: visitors rarely repeat, so a per-person cache would mostly miss).

A suspension made in another server process is seen within `CODE_TTL`; in this process the suspension
handlers forget the cached codes at once. One `ScanState` per runtime holds the caches and the writer."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lianfang.checkins.models import VenueCode
from lianfang.checkins.rules import DEFAULT_RETENTION_DAYS, PersonInfo, code_reference
from lianfang.checkins.scans.writer import AsyncGroupWriter, GroupCommitWriter
from lianfang.core.access import Actor
from lianfang.core.db import transaction
from lianfang.core.events import EventBus
from lianfang.core.hot import Flights, TTLCache
from lianfang.core.jobs import Runtime
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, mask_name, normalise_id_number
from lianfang.venues.models import Venue

CODE_TTL = 5.0
ACTOR_TTL = 15.0

T = TypeVar("T")


@dataclass(frozen=True)
class CodeInfo:
    """A scanned code resolved: its venue, and the state that decides whether it accepts a scan."""

    code_id: int | None  # None: the venue's short manual-entry code
    venue_id: int
    venue_name: str
    venue_kind: str
    jurisdiction_path: str
    operator_user_id: int | None
    status: str  # the code's (active | suspended | revoked) or, for a short code, the venue's
    changed_at: datetime | None
    expires_at: datetime | None
    label: str = ""


def _venue_code(venue: Venue) -> CodeInfo:
    return CodeInfo(
        None,
        venue.id,
        venue.name,
        venue.kind,
        venue.jurisdiction_path,
        venue.operator_user_id,
        venue.status,
        venue.status_changed_at,
        None,
    )


def _token_code(code: VenueCode, venue: Venue) -> CodeInfo:
    return CodeInfo(
        code.id,
        venue.id,
        venue.name,
        venue.kind,
        venue.jurisdiction_path,
        venue.operator_user_id,
        code.status,
        code.suspended_at,
        code.expires_at,
        code.label,
    )


def code_infos(session: Session, raws: Iterable[str]) -> dict[str, CodeInfo | None]:
    """What each scanned text names (a QR token, its URL, or a venue's short code), in a few queries."""
    refs = {raw: code_reference(raw) for raw in set(raws)}
    tokens = sorted({v for ref in refs.values() if ref and ref[0] == "token" for v in [ref[1]]})
    shorts = sorted({v for ref in refs.values() if ref and ref[0] == "venue" for v in [ref[1]]})
    by_token: dict[str, CodeInfo] = {}
    by_short: dict[str, CodeInfo] = {}
    for start in range(0, len(tokens), 500):
        stmt = select(VenueCode, Venue).join(Venue, Venue.id == VenueCode.venue_id)
        for code, venue in session.execute(stmt.where(VenueCode.token.in_(tokens[start : start + 500]))):
            by_token[code.token] = _token_code(code, venue)
    for start in range(0, len(shorts), 500):
        for venue in session.scalars(select(Venue).where(Venue.code.in_(shorts[start : start + 500]))):
            by_short[venue.code] = _venue_code(venue)
    out: dict[str, CodeInfo | None] = {}
    for raw, ref in refs.items():
        out[raw] = None if ref is None else (by_token if ref[0] == "token" else by_short).get(ref[1])
    return out


def code_info(session: Session, raw: str) -> CodeInfo | None:
    return code_infos(session, [raw])[raw]


def person_info(person: Person) -> PersonInfo:
    return PersonInfo(person.id, mask_name(person.name), person.id_masked)


def person_key(pseudonym: str | None, id_number: str | None, hasher: IdHasher) -> str | None:
    """How the writer finds a person: `p:` + pseudonym or `h:` + the ID number's keyed hash."""
    if pseudonym:
        return f"p:{pseudonym.strip()}"
    if id_number:
        return f"h:{hasher(id_number)}"
    return None


class IdHasher:
    def __init__(self, runtime: Runtime) -> None:
        self._settings = runtime.settings

    def __call__(self, number: str) -> str:
        return id_hash(self._settings, "resident_id", normalise_id_number(number))


@dataclass
class ScanState:
    """Per runtime: the writer and the caches of the single-scan path. A cache miss is looked up once
    however many requests wait for it (single flight)."""

    runtime: Runtime
    writer: GroupCommitWriter | AsyncGroupWriter
    hasher: IdHasher
    codes: TTLCache[str, CodeInfo | None] = field(default_factory=lambda: TTLCache(CODE_TTL))
    actors: TTLCache[str, Actor | None] = field(default_factory=lambda: TTLCache(ACTOR_TTL))
    flights: Flights = field(default_factory=Flights)
    retention: int = DEFAULT_RETENTION_DAYS  # the scan_retention_days setting, read once

    def __post_init__(self) -> None:
        self.retention = self.runtime.settings.scan_retention_days

    def code(self, session: Session, raw: str) -> CodeInfo | None:
        hit, info = self.codes.get(raw)
        if not hit:
            info = code_info(session, raw)
            self.codes.put(raw, info)
        return info

    async def once(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        """Run `load` for `key` unless a load for it is under way, whose result is then shared."""
        return await self.flights.once(key, load)

    def _code_now(self, raw: str) -> CodeInfo | None:
        with transaction(self.runtime.factory) as session:
            return self.code(session, raw)

    async def code_async(self, raw: str) -> CodeInfo | None:
        hit, info = self.codes.get(raw)
        if hit:
            return info
        return await self.once("code:" + raw, lambda: run_in_threadpool(self._code_now, raw))

    def forget_codes(self) -> None:
        self.codes.clear()


def make_writer(runtime: Runtime) -> GroupCommitWriter | AsyncGroupWriter:
    """The event-loop writer for a served app on PostgreSQL; the thread writer otherwise (SQLite, and
    sessions bound to one connection, as in tests)."""
    bind = runtime.factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return AsyncGroupWriter(bind.url, runtime.bus)
    return GroupCommitWriter(runtime.factory, runtime.bus)


_STATES: WeakKeyDictionary[EventBus, ScanState] = WeakKeyDictionary()
_LOCK = threading.Lock()


def state_for(runtime: Runtime) -> ScanState:
    state = _STATES.get(runtime.bus)
    if state is not None:
        return state
    with _LOCK:
        state = _STATES.get(runtime.bus)
        if state is None:
            state = ScanState(runtime, make_writer(runtime), IdHasher(runtime))
            _STATES[runtime.bus] = state
        return state


def forget_codes(bus: EventBus) -> None:
    """Called when codes or venues change state in this process (another process waits CODE_TTL)."""
    state = _STATES.get(bus)
    if state is not None:
        state.forget_codes()
