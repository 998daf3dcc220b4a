"""Who may see whose code. A resident: the people registered under their verified phone and the family
members they added (他人代查, up to four). Staff: people in their jurisdiction, with `healthcodes.read`;
every staff read of a person's code is audited. Finding a person by name and ID number (family, 12345
hotline) needs both to match the registry, so an ID number alone reveals nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.healthcodes.models import FamilyMember
from lianfang.people import repository
from lianfang.people import rules as identity
from lianfang.people.access import own_records
from lianfang.people.models import Person
from lianfang.people.rules import id_number_problem, normalise_id_number

READ = "healthcodes.read"
HOTLINE = "healthcodes.hotline"
FAMILY_MAX = 4  # RULES.md §4.2 (健康宝 2.0): 「他人代查」 up to 4 people


def family_of(ctx: Ctx) -> list[Person]:
    if ctx.actor.resident_id is None:
        return []
    stmt = (
        select(Person)
        .join(FamilyMember, FamilyMember.person_id == Person.id)
        .where(FamilyMember.account_id == ctx.actor.resident_id)
        .order_by(FamilyMember.id)
    )
    return list(ctx.session.scalars(stmt))


def resident_people(ctx: Ctx) -> tuple[list[Person], list[Person]]:
    """(own records, family members) of the signed-in resident."""
    own = own_records(ctx.session, ctx.actor)
    ids = {p.id for p in own}
    return own, [p for p in family_of(ctx) if p.id not in ids]


def resident_person(ctx: Ctx, person_id: int) -> tuple[Person, str]:
    """A person the resident may check, with the channel an appeal for them comes through."""
    own, family = resident_people(ctx)
    for person in own:
        if person.id == person_id:
            return person, "self"
    for person in family:
        if person.id == person_id:
            return person, "family"
    raise NotFound("人员", "person")


def staff_person(ctx: Ctx, person_id: int, why: str = "view") -> Person:
    ctx.actor.require(READ)
    person = ctx.session.get(Person, person_id)
    if person is None or not ctx.actor.covers(person.jurisdiction_path):
        raise NotFound("人员", "person")
    audit.record(ctx, f"healthcodes.{why}", "person", person.id, person.jurisdiction_path)
    return person


def find_by_identity(ctx: Ctx, name: str, id_number: str, today: date) -> Person:
    """The registered person with this name and resident ID number, or a clear error."""
    problem = id_number_problem(id_number, today)
    problems = [problem] if problem else []
    if not name.strip():
        problems.append(Problem("name", "请填写姓名", "give the name"))
    if problems:
        raise Invalid(problems)
    hashed = identity.id_hash(ctx.settings, "resident_id", normalise_id_number(id_number))
    person = repository.by_id_hash(ctx.session, hashed)
    if person is None or person.name.strip() != name.strip():
        raise Invalid(
            [
                Problem(
                    "id_number",
                    "姓名与身份证号不匹配或未登记",
                    "no registered person with this name and ID number",
                )
            ]
        )
    return person
