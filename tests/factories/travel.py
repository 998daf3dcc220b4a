"""Travel test data: a few GB/T 2260 places loaded through the import, persons in the test city and
signed-in staff of each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lianfang.accounts.models import User
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.travel import service
from lianfang.travel.places.imports import import_places
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person

# Test data for the import (the application itself ships no list of places).
PLACES_CSV = (
    "code,name,parent\n"
    "110000,北京市,\n"
    "110100,市辖区,110000\n"
    "110105,朝阳区,110100\n"
    "130000,河北省,\n"
    "130600,保定市,130000\n"
    "130602,竞秀区,130600\n"
    "420000,湖北省,\n"
    "420100,武汉市,420000\n"
    "420106,武昌区,420100\n"
    "620000,甘肃省,\n"
    "620100,兰州市,620000\n"
    "620102,城关区,620100\n"
)
WUCHANG, JINGXIU, CHENGGUAN = "420106", "130602", "620102"


def load_places(ctx: Ctx) -> None:
    report = import_places(ctx, "places.csv", PLACES_CSV.encode())
    assert not report.problems, report.problems


def today(ctx: Ctx) -> date:
    return local_date(ctx.now)


def days_ago(ctx: Ctx, n: int) -> date:
    return today(ctx) - timedelta(days=n)


@dataclass
class World:
    city: dict[str, Jurisdiction]
    community: Jurisdiction
    other_community: Jurisdiction
    city_command: User
    worker: User
    other_worker: User
    person: Person
    other: Person


def make_world(ctx: Ctx) -> World:
    city = make_city(ctx)
    load_places(ctx)
    community, other = city["110105001001"], city["110108001001"]
    return World(
        city=city,
        community=community,
        other_community=other,
        city_command=make_user(ctx, "city_command", city["110000"]),
        worker=make_user(ctx, "community_worker", community),
        other_worker=make_user(ctx, "community_worker", other),
        person=make_person(ctx, community, name="李四", phone="13900000001"),
        other=make_person(ctx, other, name="王五", phone="13900000002"),
    )


def stay(ctx: Ctx, person: Person, code: str, from_ago: int, to_ago: int | None) -> None:
    to_on = days_ago(ctx, to_ago) if to_ago is not None else None
    service.declare_stay(ctx, person, service.StayInput(code, days_ago(ctx, from_ago), to_on), source="staff")
