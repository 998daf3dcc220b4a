"""Who reaches which venue. Registry staff reach the venues of their jurisdiction's subtree; a venue
operator (permission `venues.operate`, no registry access) reaches exactly the venues they operate."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.errors import Forbidden, NotFound
from lianfang.jurisdictions.access import subtree_filter
from lianfang.venues import repository
from lianfang.venues.models import Venue

READ = "registry.read"
WRITE = "registry.write"
IMPORT = "registry.import"
EXPORT = "registry.export"
OPERATE = "venues.operate"


def require_read(actor: Actor) -> None:
    if not (actor.can(READ) or actor.can(OPERATE)):
        raise Forbidden()


def venues_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting `venues` rows to those the actor may see."""
    if actor.kind == "system":
        return true()
    if actor.can(READ):
        return subtree_filter(actor, Venue.jurisdiction_path)
    if actor.can(OPERATE) and actor.user_id is not None:
        return Venue.operator_user_id == actor.user_id
    return false()


def covers_venue(actor: Actor, venue: Venue) -> bool:
    if actor.kind == "system":
        return True
    if actor.can(READ):
        return actor.covers(venue.jurisdiction_path)
    return actor.can(OPERATE) and actor.user_id is not None and venue.operator_user_id == actor.user_id


def access_venue(session: Session, actor: Actor, venue_id: int) -> Venue:
    """The venue when the actor may see it; otherwise NotFound (never reveal that it exists)."""
    require_read(actor)
    venue = session.get(Venue, venue_id)
    if venue is None or not covers_venue(actor, venue):
        raise NotFound("场所", "venue")
    return venue


def venues_rows(
    session: Session, actor: Actor, query: repository.VenueQuery, after: int | None, limit: int
) -> list[Venue]:
    """The list's one keyset query in the actor's reach: up to `limit` venues after id `after` (ask for
    one more than a page to know whether another follows). The page, the API and the export read it."""
    require_read(actor)
    return repository.search(session, venues_filter(actor), query, after, limit)
