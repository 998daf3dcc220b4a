"""Who reaches which unit. Registry staff reach the units of their jurisdiction's subtree; a unit officer
(permission `units.staff`) reaches exactly the units they are linked to, wherever those units are."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.errors import Forbidden, NotFound
from lianfang.jurisdictions.access import subtree_filter
from lianfang.units import repository
from lianfang.units.models import Unit, UnitOfficer

READ = "registry.read"
WRITE = "registry.write"
IMPORT = "registry.import"
EXPORT = "registry.export"
STAFF = "units.staff"


def is_officer(actor: Actor) -> bool:
    """A unit officer's reach is their own units, not their home jurisdiction."""
    return actor.kind != "system" and actor.can(STAFF)


def require_read(actor: Actor) -> None:
    if not (actor.can(READ) or actor.can(STAFF)):
        raise Forbidden()


def units_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting `units` rows to those the actor may see."""
    if actor.kind == "system":
        return true()
    if is_officer(actor):
        if actor.user_id is None:
            return false()
        own = select(UnitOfficer.unit_id).where(UnitOfficer.user_id == actor.user_id)
        return Unit.id.in_(own)
    if not actor.can(READ):
        return false()
    return subtree_filter(actor, Unit.jurisdiction_path)


def covers_unit(session: Session, actor: Actor, unit: Unit) -> bool:
    if actor.kind == "system":
        return True
    if is_officer(actor):
        return (
            session.scalar(
                select(UnitOfficer.id).where(
                    UnitOfficer.unit_id == unit.id, UnitOfficer.user_id == actor.user_id
                )
            )
            is not None
        )
    return actor.can(READ) and actor.covers(unit.jurisdiction_path)


def access_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    """The unit when the actor may see it; otherwise NotFound (never reveal that it exists)."""
    require_read(actor)
    unit = session.get(Unit, unit_id)
    if unit is None or not covers_unit(session, actor, unit):
        raise NotFound("单位", "unit")
    return unit


def require_staff_manager(actor: Actor) -> None:
    """Staff lists are kept by registry writers (in their subtree) and by unit officers (own units)."""
    if not (actor.can(WRITE) or actor.can(STAFF)):
        raise Forbidden()


def units_rows(
    session: Session, actor: Actor, query: repository.UnitQuery, after: int | None, limit: int
) -> list[Unit]:
    """The list's one keyset query in the actor's reach: up to `limit` units after id `after` (ask for
    one more than a page to know whether another follows). The page, the API and the export read it."""
    require_read(actor)
    return repository.search(session, units_filter(actor), query, after, limit)
