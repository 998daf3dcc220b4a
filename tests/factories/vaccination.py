"""Vaccination test data: the test city, persons with birth dates (derived from their identity number,
as the registry does), staff of each role, and doses arranged directly with the statuses recomputed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lianfang.accounts.models import User
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.vaccination import refresh
from lianfang.vaccination.models import VaccinationDose
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number


def today(ctx: Ctx) -> date:
    return local_date(ctx.now)


def days_ago(ctx: Ctx, n: int) -> date:
    return today(ctx) - timedelta(days=n)


def born_years_ago(ctx: Ctx, years: int, days: int = 30) -> date:
    t = today(ctx)
    return date(t.year - years, t.month, min(t.day, 28)) - timedelta(days=days)


def person(ctx: Ctx, community: Jurisdiction, born: date, name: str = "张三") -> tuple[Person, str]:
    number = valid_id_number(born=born, region="110105")
    found = make_person(ctx, community, name=name, id_number=number)
    found.birth_date = born
    ctx.session.flush()
    return found, number


def give(ctx: Ctx, who: Person, *doses: tuple[int, str, date]) -> None:
    for number, product, day in doses:
        ctx.session.add(
            VaccinationDose(
                person_id=who.id,
                dose_number=number,
                product=product,
                dosed_on=day,
                site_code="T-001",
                site_name="测试接种点",
                batch="B1",
                source="staff",
                created_by="test",
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
    ctx.session.flush()
    refresh.recompute_statuses(ctx, [who.id])


@dataclass
class World:
    city: dict[str, Jurisdiction]
    community: Jurisdiction  # 建外街道第1社区 in 朝阳区
    other_community: Jurisdiction  # 中关村街道第1社区 in 海淀区
    city_command: User
    chaoyang: User
    haidian: User
    worker: User
    investigator: User
    lab: User


def make_world(ctx: Ctx) -> World:
    city = make_city(ctx)
    community, other = city["110105001001"], city["110108001001"]
    return World(
        city=city,
        community=community,
        other_community=other,
        city_command=make_user(ctx, "city_command", city["110000"]),
        chaoyang=make_user(ctx, "district_command", city["110105"]),
        haidian=make_user(ctx, "district_command", city["110108"]),
        worker=make_user(ctx, "community_worker", community),
        investigator=make_user(ctx, "investigator", city["110000"]),
        lab=make_user(ctx, "lab", city["110000"]),
    )
