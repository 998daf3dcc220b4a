"""A small unit-health world: a school and a pharmacy in one community, each with an officer, staff and
students; plus the street, district and other-district staff who look at them."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.accounts.models import User
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.units import service as units_service
from lianfang.units.models import Unit
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.units import add_staff, make_unit


@dataclass
class UnitWorld:
    city: dict[str, Jurisdiction]
    school: Unit
    pharmacy: Unit
    other_unit: Unit
    officer: User
    pharmacist: User
    street_worker: User
    district: User
    other_district: User
    inspector: User
    other_officer: User
    teachers: list[Person] = field(default_factory=list)
    students: list[Person] = field(default_factory=list)


def make_unit_world(ctx: Ctx, students: int = 6) -> UnitWorld:
    city = make_city(ctx)
    community = city["110105001001"]
    school = make_unit(ctx, community, "建外第一小学", kind="school")
    pharmacy = make_unit(ctx, community, "建外大药房", kind="pharmacy")
    other_unit = make_unit(ctx, city["110108001001"], "中关村科技公司", kind="employer")
    officer = make_user(ctx, "unit_officer", community)
    pharmacist = make_user(ctx, "unit_officer", community)
    other_officer = make_user(ctx, "unit_officer", city["110108001001"])
    units_service.link_officer(ctx, school.id, officer.id)
    units_service.link_officer(ctx, pharmacy.id, pharmacist.id)
    units_service.link_officer(ctx, other_unit.id, other_officer.id)
    world = UnitWorld(
        city=city,
        school=school,
        pharmacy=pharmacy,
        other_unit=other_unit,
        officer=officer,
        pharmacist=pharmacist,
        street_worker=make_user(ctx, "community_worker", city["110105001"]),
        district=make_user(ctx, "district_command", city["110105"]),
        other_district=make_user(ctx, "district_command", city["110108"]),
        inspector=make_user(ctx, "inspector", city["110105"]),
        other_officer=other_officer,
    )
    for i in range(2):
        teacher = make_person(ctx, community, name=f"王老师{i}")
        add_staff(ctx, school, teacher, role="teacher", group="一年级1班")
        world.teachers.append(teacher)
    for i in range(students):
        student = make_person(ctx, community, name=f"学生{i}")
        add_staff(ctx, school, student, role="student", group="一年级1班")
        world.students.append(student)
    return world
