"""Keeping each person's stored status equal to what the rules derive from their facts, and recording
every change with its cause. Derivation is the truth; the stored row is what gates, lists and the
nightly pass read. `refresh` is set-based per batch: a few reads per source and bulk writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.checkins.codes import service as codes
from lianfang.checkins.models import VenueCode
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.db import among
from lianfang.healthcodes import rules
from lianfang.healthcodes.models import HealthStatus, HealthStatusChange
from lianfang.healthcodes.status import repository
from lianfang.healthcodes.status import repository as facts
from lianfang.people.models import Person

BATCH = 5_000


def facts_json(found: Sequence[rules.Fact]) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "ref": f.ref,
            "since": f.since.isoformat(),
            "ends_on": f.ends_on.isoformat() if f.ends_on else None,
            "cleared_at": f.cleared_at.isoformat() if f.cleared_at else None,
            "detail": f.detail,
        }
        for f in found
    ]


def facts_from_json(stored: Sequence[dict[str, Any]]) -> list[rules.Fact]:
    return [
        rules.Fact(
            d["kind"],
            d["ref"],
            datetime.fromisoformat(d["since"]),
            date.fromisoformat(d["ends_on"]) if d["ends_on"] else None,
            datetime.fromisoformat(d["cleared_at"]) if d["cleared_at"] else None,
            d["detail"],
        )
        for d in stored
    ]


@dataclass(frozen=True)
class Current:
    """What is stored for a person now (None: no row, which means green with nothing pending)."""

    colour: str
    popups: str
    changed_at: datetime


@dataclass
class Writes:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def flush(self, session: Session) -> int:
        repository.write_statuses(session, self.inserts, self.updates, self.deletes)
        repository.write_changes(session, self.changes)
        return len(self.changes)


def apply(
    ctx: Ctx,
    writes: Writes,
    pid: int,
    path: str,
    old: Current | None,
    found: Sequence[rules.Fact],
    clearances: Sequence[rules.Clearance],
    cause: str,
) -> None:
    """Derive one person's status now and queue what changed (the row, and a change record)."""
    now = ctx.now
    derived = rules.derive(found, now, clearances, ctx.settings.healthcode_edition)
    before = (old.colour, old.popups) if old is not None else ("green", "")
    moved = before != (derived.colour, derived.popup_code)
    live = rules.still_live(found, now, clearances)
    if not live and old is not None:
        # No row means green with nothing pending: most of the city never gets one, and a person whose
        # last fact has ended loses theirs (cheaper than an update; the change record stays).
        writes.deletes.append(pid)
    row = {
        "person_id": pid,
        "jurisdiction_path": path,
        "colour": derived.colour,
        "popups": derived.popup_code,
        "edition": derived.edition,
        "facts": facts_json(live),
        "next_change_on": derived.next_change_on,
        "clears_on": rules.clears_on(live),
        "derived_at": now,
        "changed_at": now if moved or old is None else old.changed_at,
    }
    if live:
        (writes.inserts if old is None else writes.updates).append(row)
    if moved:
        writes.changes.append(
            {
                "person_id": pid,
                "at": now,
                "before_colour": before[0],
                "before_popups": before[1],
                "after_colour": derived.colour,
                "after_popups": derived.popup_code,
                "cause": cause[:120],
                "actor": ctx.actor.label[:120],
            }
        )


def derive_for(session: Session, person_id: int, now: datetime, edition: str = "") -> rules.Derived:
    found = facts.load(session, [person_id], now).get(person_id, facts.PersonFacts())
    return rules.derive(found.facts, now, found.clearances, edition)


def refresh(ctx: Ctx, person_ids: Iterable[int], cause: str) -> int:
    """Re-derive and store the status of these people; returns how many changed colour or pop-ups."""
    return refresh_causes(ctx, dict.fromkeys(person_ids, cause))


def refresh_causes(ctx: Ctx, causes: Mapping[int, str]) -> int:
    """`refresh` with each person's own cause."""
    ids = sorted(causes)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(ctx, {i: causes[i] for i in ids[start : start + BATCH]})
    return changed


def _refresh_batch(ctx: Ctx, causes: Mapping[int, str]) -> int:
    ids = list(causes)
    session = ctx.session
    rows = session.execute(select(Person.id, Person.jurisdiction_path).where(among(session, Person.id, ids)))
    paths: dict[int, str] = {r[0]: r[1] for r in rows}
    h = HealthStatus
    stored = {
        r[0]: Current(r[1], r[2], r[3])
        for r in session.execute(
            select(h.person_id, h.colour, h.popups, h.changed_at).where(among(session, h.person_id, ids))
        )
    }
    loaded = facts.load(session, list(paths), ctx.now)
    writes = Writes()
    for pid, path in paths.items():
        found = loaded.get(pid, facts.PersonFacts())
        apply(ctx, writes, pid, path, stored.get(pid), found.facts, found.clearances, causes[pid])
    changed = writes.flush(session)
    _registrars(ctx, writes)
    return changed


def _registrars(ctx: Ctx, writes: Writes) -> None:
    """A registrar whose own code turns abnormal loses their registers at once (RULES.md §4.4), and gets
    them back when it is normal again; the periodic check in checkins is the safety net."""
    moved = {c["person_id"]: (c["after_colour"], c["after_popups"]) for c in writes.changes}
    if not moved:
        return
    holders = ctx.session.scalars(
        select(VenueCode.registrar_person_id)
        .where(among(ctx.session, VenueCode.registrar_person_id, list(moved)))
        .distinct()
    )
    for pid in list(holders):
        colour, popups = moved[pid]
        codes.set_registrar_state(ctx, pid, colour == "green" and not popups)


def stored_status(session: Session, person_id: int) -> HealthStatus | None:
    return session.get(HealthStatus, person_id)


def status_of(ctx: Ctx, person_id: int, cause: str = "viewed") -> rules.Derived:
    """The live status (derived now); the stored row is brought up to date on the way."""
    derived = derive_for(ctx.session, person_id, ctx.now, ctx.settings.healthcode_edition)
    old = ctx.session.get(HealthStatus, person_id)
    current = (old.colour, old.popups) if old is not None else ("green", "")
    if current != (derived.colour, derived.popup_code) or (
        old is not None and old.next_change_on != derived.next_change_on
    ):
        refresh(ctx, [person_id], cause)
    return derived


def history(session: Session, person_id: int, limit: int = 50) -> list[HealthStatusChange]:
    stmt = (
        select(HealthStatusChange)
        .where(HealthStatusChange.person_id == person_id)
        .order_by(HealthStatusChange.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def people_with_facts(session: Session, today: date) -> list[int]:
    """Everyone some source module holds a fact about that can still show (for a full re-derivation)."""
    return facts.people_with_facts(session, today)


def rebuild(ctx: Ctx, progress: Callable[[int, int], object] | None = None) -> int:
    """Re-derive everyone with a fact from the sources (after a restore, a bulk load, or the demo's set-based
    loaders, which publish no per-person events). Returns how many changed."""
    ids = people_with_facts(ctx.session, local_date(ctx.now))
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(ctx, dict.fromkeys(ids[start : start + BATCH], "rebuild"))
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return changed
