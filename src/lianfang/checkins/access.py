"""Who reaches which codes and scans. A venue's codes and scans are reached through the venue
(`venues.access`: registry staff in their subtree, a venue operator for the venues they run); a
resident reaches the scans of the persons registered under their own verified phone. Anything else is
NotFound, so existence is not revealed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.accounts.models import Resident
from lianfang.checkins.models import Scan, VenueCode
from lianfang.core.access import Actor
from lianfang.core.errors import Forbidden, NotFound
from lianfang.people.models import Person
from lianfang.venues.access import OPERATE, WRITE, access_venue, covers_venue
from lianfang.venues.models import Venue

OWN_LIMIT = 20  # persons under one phone (a family's members)


def own_persons(session: Session, actor: Actor) -> list[Person]:
    """A resident's registered persons: every person whose phone is the resident's verified phone."""
    if actor.kind != "resident" or actor.resident_id is None:
        return []
    resident = session.get(Resident, actor.resident_id)
    if resident is None:
        return []
    return list(
        session.scalars(
            select(Person)
            .where(Person.phone_hash == resident.phone_hash)
            .order_by(Person.id)
            .limit(OWN_LIMIT)
        )
    )


def own_person(session: Session, actor: Actor, person_id: int) -> Person:
    for person in own_persons(session, actor):
        if person.id == person_id:
            return person
    raise NotFound("人员", "person")


def may_manage(actor: Actor, venue: Venue) -> bool:
    """Suspend, reactivate, relabel codes: the venue's operator, or registry staff over the venue."""
    if actor.kind == "system":
        return True
    if actor.can(WRITE):
        return actor.covers(venue.jurisdiction_path)
    return actor.can(OPERATE) and actor.user_id is not None and venue.operator_user_id == actor.user_id


def is_operator(actor: Actor, venue: Venue) -> bool:
    return actor.can(OPERATE) and actor.user_id is not None and venue.operator_user_id == actor.user_id


def access_code(session: Session, actor: Actor, code_id: int) -> tuple[VenueCode, Venue]:
    code = session.get(VenueCode, code_id)
    if code is None:
        raise NotFound("场所码", "venue code")
    try:
        venue = access_venue(session, actor, code.venue_id)
    except (NotFound, Forbidden):
        raise NotFound("场所码", "venue code") from None
    return code, venue


def access_scan(session: Session, actor: Actor, scan_id: int) -> Scan:
    """A scan for its venue's operator or registry staff over the venue, or for its own visitor."""
    scan = session.scalar(select(Scan).where(Scan.id == scan_id))
    if scan is None:
        raise NotFound("扫码记录", "scan")
    if actor.kind == "resident":
        if scan.person_id is None or scan.person_id not in {p.id for p in own_persons(session, actor)}:
            raise NotFound("扫码记录", "scan")
        return scan
    venue = session.get(Venue, scan.venue_id)
    if venue is None or not covers_venue(actor, venue) or not may_manage(actor, venue):
        raise NotFound("扫码记录", "scan")
    return scan
