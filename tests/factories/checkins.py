"""A small check-in world: a venue with an operator (who is a registered person and its registrar),
an active venue code, and visitors; made through the services (system actor, then the operator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import count

from lianfang.accounts.models import User
from lianfang.checkins.codes import service as codes
from lianfang.checkins.models import VenueCode
from lianfang.core.access import Actor
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.venues import service as venues_service
from lianfang.venues.models import Venue
from tests.factories.accounts import make_user
from tests.factories.people import make_person, valid_id_number
from tests.factories.venues import make_venue

_serial = count(1)


def operator_actor(user: User, home: Jurisdiction) -> Actor:
    from lianfang.accounts.rules import permissions_for

    return Actor(
        kind="staff",
        label=user.username,
        user_id=user.id,
        role=user.role,
        jurisdiction_id=home.id,
        scope_path=home.path,
        permissions=permissions_for(user.role),
    )


@dataclass
class Place:
    venue: Venue
    operator: User
    registrar: Person
    registrar_id_number: str
    code: VenueCode

    def as_operator(self, ctx: Ctx, home: Jurisdiction) -> Ctx:
        return ctx.as_actor(operator_actor(self.operator, home))


def make_place(ctx: Ctx, community: Jurisdiction, kind: str = "supermarket", label: str = "东门") -> Place:
    """A venue run by a new operator account, who has declared themself registrar and made one code."""
    venue = make_venue(ctx, community, kind=kind)
    operator = make_user(ctx, "venue_operator", community)
    venues_service.assign_operator(ctx, venue.id, operator.id)
    number = valid_id_number()
    person = make_person(ctx, community, name="李登记", id_number=number)
    as_operator = ctx.as_actor(operator_actor(operator, community))
    codes.declare_registrar(as_operator, number)
    code = codes.create_code(as_operator, venue.id, label)
    ctx.session.flush()
    return Place(venue, operator, person, number, code)


def visitor(ctx: Ctx, community: Jurisdiction, name: str = "王小明", phone: str | None = None) -> Person:
    return make_person(ctx, community, name=name, phone=phone)


def scan_body(
    code: str, person: Person, at: datetime | None = None, key: str | None = None
) -> dict[str, object]:
    body: dict[str, object] = {
        "code": code,
        "person_pseudonym": person.pseudonym,
        "idempotency_key": key or f"k{next(_serial)}",
    }
    if at is not None:
        body["scanned_at"] = at.isoformat()
    return body
