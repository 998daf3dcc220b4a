"""Who may do what in the vaccination module, and the scoped fetches: a person or status row outside the
actor's jurisdiction is NotFound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.people.access import access_person
from lianfang.people.models import Person
from lianfang.vaccination import repository
from lianfang.vaccination.models import VaccinationStatus

READ, WRITE = "vaccination.read", "vaccination.write"


def today_of(ctx: Ctx) -> date:
    return local_date(ctx.now)


def staff_person(session: Session, actor: Actor, person_id: int) -> Person:
    """A person in the staff actor's scope (residents never reach this module's person pages)."""
    if actor.kind == "resident":
        raise NotFound("人员", "person")
    return access_person(session, actor, person_id)


def statuses_in_scope(session: Session, actor: Actor, person_ids: Sequence[int]) -> list[VaccinationStatus]:
    """Every selected person's status row, or NotFound when one is missing or outside the scope."""
    found = repository.statuses_of(session, person_ids)
    rows = [found.get(person_id) for person_id in dict.fromkeys(person_ids)]
    if any(row is None or not actor.covers(row.jurisdiction_path) for row in rows):
        raise NotFound("人员", "person")
    return [row for row in rows if row is not None]
