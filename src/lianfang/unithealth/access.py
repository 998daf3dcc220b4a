"""Who reaches which unit-health records. A unit officer (unithealth.report) files for the units they
are linked to; street, district and city staff (unithealth.read) read the records of their subtree.
Fetching a unit goes through units.access, so a unit outside the actor's reach is NotFound."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from lianfang.core.access import Actor
from lianfang.core.errors import Forbidden
from lianfang.jurisdictions.access import subtree_filter
from lianfang.units.access import access_unit
from lianfang.units.models import Unit, UnitOfficer

REPORT = "unithealth.report"
READ = "unithealth.read"
CONFIGURE = "unithealth.configure"


def require_read(actor: Actor) -> None:
    if not (actor.can(READ) or actor.can(REPORT)):
        raise Forbidden()


def reporting_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    """A unit the actor files reports for: an officer's own unit (or any, for the system)."""
    actor.require(REPORT)
    return access_unit(session, actor, unit_id)


def readable_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    require_read(actor)
    return access_unit(session, actor, unit_id)


def rows_filter(
    actor: Actor, path_column: InstrumentedAttribute[str], unit_column: InstrumentedAttribute[int]
) -> ColumnElement[bool]:
    """Rows of the actor's subtree (readers) or of the actor's own units (officers)."""
    if actor.kind == "system":
        return true()
    if actor.can(READ):
        return subtree_filter(actor, path_column)
    if actor.can(REPORT) and actor.user_id is not None:
        return unit_column.in_(select(UnitOfficer.unit_id).where(UnitOfficer.user_id == actor.user_id))
    return false()
