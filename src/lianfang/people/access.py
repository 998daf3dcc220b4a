"""The one gate to persons and households: staff reach their jurisdiction's subtree, a resident reaches
the records registered under their own (verified) phone number. Anything else is NotFound."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lianfang.accounts.models import Resident
from lianfang.core.access import Actor, access_scoped
from lianfang.core.errors import NotFound
from lianfang.people import repository
from lianfang.people.models import Household, Person


def resident_phone_hash(session: Session, actor: Actor) -> str | None:
    """The keyed hash of a signed-in resident's phone (same scheme as `people.identity.phone_hash`)."""
    if actor.kind != "resident" or actor.resident_id is None:
        return None
    resident = session.get(Resident, actor.resident_id)
    return resident.phone_hash if resident is not None else None


def access_person(session: Session, actor: Actor, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("人员", "person")
    if actor.kind == "resident":
        own = resident_phone_hash(session, actor)
        if own is None or person.phone_hash != own:
            raise NotFound("人员", "person")
        return person
    if not actor.covers(person.jurisdiction_path):
        raise NotFound("人员", "person")
    return person


def access_household(session: Session, actor: Actor, household_id: int) -> Household:
    return access_scoped(session, actor, Household, household_id, "住户", "household")


def own_records(session: Session, actor: Actor) -> list[Person]:
    """A resident's own registrations: every person whose phone is the resident's verified phone."""
    own = resident_phone_hash(session, actor)
    return [] if own is None else repository.by_phone_hash(session, own)
