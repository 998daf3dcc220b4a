"""A small outbreak scene for tracing tests: a case with a household, a class, venue visits (an enclosed
KTV with a long overlap, a supermarket with a short one), people in another district, and staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from lianfang.accounts.models import User
from lianfang.checkins.partitions.repository import ensure_scan_partitions
from lianfang.checkins.rules import scan_date
from lianfang.checkins.scans.writer import ScanRow, write_rows
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Household, Person
from lianfang.venues.models import Venue
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.units import add_staff, make_unit
from tests.factories.venues import make_venue

_keys = count(1)


def household(ctx: Ctx, community: Jurisdiction, *people: Person) -> Household:
    home = Household(
        code=f"H{next(_keys)}",
        community_id=community.id,
        jurisdiction_path=community.path,
        created_at=ctx.now,
    )
    ctx.session.add(home)
    ctx.session.flush()
    for p in people:
        p.household_id = home.id
    ctx.session.flush()
    return home


def scan(ctx: Ctx, venue: Venue, person: Person, at: datetime, minutes: int) -> None:
    ensure_scan_partitions(ctx.session, scan_date(at) - timedelta(days=1), scan_date(at) + timedelta(days=1))
    key = f"t{next(_keys)}"
    row = ScanRow(
        scan_date(at),
        venue.id,
        person.id,
        None,
        at,
        at + timedelta(minutes=minutes),
        True,
        "sim",
        None,
        key,
        at,
    )
    write_rows(ctx.session, [row])


@dataclass
class Scene:
    city: dict[str, Jurisdiction]
    case_person: Person
    housemate: Person
    classmate: Person
    classmates_mother: Person  # lives with the classmate: a secondary contact
    ktv_friend: Person  # long overlap in an enclosed KTV, lives in 海淀 (another district)
    shopper: Person  # short overlap at a supermarket: general contact
    passer_by: Person  # at the supermarket at another time: nobody
    ktv: Venue
    market: Venue
    onset: datetime
    investigator: User
    other_investigator: User
    community_worker: User
    district_command: User


def make_scene(ctx: Ctx) -> Scene:
    city = make_city(ctx)
    home, other = city["110105001001"], city["110108001001"]
    case_person = make_person(ctx, home, "李病例")
    housemate = make_person(ctx, home, "李同住")
    household(ctx, home, case_person, housemate)
    classmate = make_person(ctx, city["110105002001"], "王同学")
    mother = make_person(ctx, city["110105002001"], "王妈妈")
    household(ctx, city["110105002001"], classmate, mother)
    school = make_unit(ctx, home, "朝阳实验小学", kind="school")
    add_staff(ctx, school, case_person, role="student", group="三年级2班")
    add_staff(ctx, school, classmate, role="student", group="三年级2班")
    ktv_friend = make_person(ctx, other, "赵朋友")
    shopper = make_person(ctx, home, "钱顾客")
    passer_by = make_person(ctx, home, "孙路人")
    ktv = make_venue(ctx, home, "欢唱KTV", kind="ktv")
    market = make_venue(ctx, home, "便民超市", kind="supermarket")
    onset = ctx.now - timedelta(hours=20)
    visit = ctx.now - timedelta(hours=30)
    scan(ctx, ktv, case_person, visit, 120)
    scan(ctx, ktv, ktv_friend, visit + timedelta(minutes=30), 120)
    scan(ctx, market, case_person, visit + timedelta(hours=3), 25)
    scan(ctx, market, shopper, visit + timedelta(hours=3, minutes=15), 25)
    scan(ctx, market, passer_by, visit + timedelta(hours=6), 25)
    return Scene(
        city,
        case_person,
        housemate,
        classmate,
        mother,
        ktv_friend,
        shopper,
        passer_by,
        ktv,
        market,
        onset,
        make_user(ctx, "investigator", city["110105"]),
        make_user(ctx, "investigator", city["110108"]),
        make_user(ctx, "community_worker", home),
        make_user(ctx, "district_command", city["110105"]),
    )
