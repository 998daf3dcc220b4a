"""Who reaches which enforcement records. Inspectors and command staff (enforcement.read) reach the
records of their jurisdiction's subtree; a unit officer (enforcement.respond) reaches the inspections
and findings of the units they are linked to, and answers them. Out of reach is NotFound."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from lianfang.core.access import Actor, access_scoped
from lianfang.core.errors import Forbidden, NotFound
from lianfang.enforcement.models import Finding, Inspection, RegisteredEvent, Violation
from lianfang.jurisdictions.access import subtree_filter
from lianfang.units.models import UnitOfficer

READ = "enforcement.read"
INSPECT = "enforcement.inspect"
DECIDE = "enforcement.decide"
RESPOND = "enforcement.respond"


def require_read(actor: Actor) -> None:
    if not (actor.can(READ) or actor.can(RESPOND)):
        raise Forbidden()


def own_units(actor: Actor) -> object:
    return select(UnitOfficer.unit_id).where(UnitOfficer.user_id == actor.user_id)


def rows_filter(
    actor: Actor, path_column: InstrumentedAttribute[str], unit_column: InstrumentedAttribute[int | None]
) -> ColumnElement[bool]:
    if actor.kind == "system":
        return true()
    if actor.can(READ):
        return subtree_filter(actor, path_column)
    if actor.can(RESPOND) and actor.user_id is not None:
        return unit_column.in_(own_units(actor))  # type: ignore[arg-type]
    return false()


def _is_officer_of(session: Session, actor: Actor, unit_id: int | None) -> bool:
    if unit_id is None or actor.user_id is None or not actor.can(RESPOND):
        return False
    link = select(UnitOfficer.id).where(UnitOfficer.unit_id == unit_id, UnitOfficer.user_id == actor.user_id)
    return session.scalar(link) is not None


def covers(session: Session, actor: Actor, path: str, unit_id: int | None) -> bool:
    if actor.kind == "system":
        return True
    if actor.can(READ) and actor.covers(path):
        return True
    return _is_officer_of(session, actor, unit_id)


def access_inspection(session: Session, actor: Actor, inspection_id: int) -> Inspection:
    require_read(actor)
    item = session.get(Inspection, inspection_id)
    if item is None or not covers(session, actor, item.jurisdiction_path, item.unit_id):
        raise NotFound("检查记录", "inspection")
    return item


def access_finding(session: Session, actor: Actor, finding_id: int) -> Finding:
    require_read(actor)
    item = session.get(Finding, finding_id)
    if item is None or not covers(session, actor, item.jurisdiction_path, item.unit_id):
        raise NotFound("问题", "finding")
    return item


def access_violation(session: Session, actor: Actor, violation_id: int) -> Violation:
    """Violations name people: only enforcement readers of the subtree reach them (not unit officers)."""
    actor.require(READ)
    return access_scoped(session, actor, Violation, violation_id, "违法违规记录", "violation")


def access_event(session: Session, actor: Actor, event_id: int) -> RegisteredEvent:
    actor.require(READ)
    return access_scoped(session, actor, RegisteredEvent, event_id, "活动", "event")
