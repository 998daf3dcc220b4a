"""Arranged data for the dashboard tests: cases, contacts, scans, orders, a sealed venue and a zone,
written as rows (the modules' own tests cover how they come about)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import count

from lianfang.analytics import refresh
from lianfang.checkins.models import Scan
from lianfang.control.models import ControlOrder, ControlZone
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.venues.models import Venue
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.venues import make_venue

_serial = count(1)


@dataclass
class World:
    city: dict[str, Jurisdiction]
    chaoyang: Jurisdiction
    haidian: Jurisdiction
    venue: Venue
    city_user: object
    chaoyang_user: object
    worker: object


def at(ctx: Ctx, days_ago: int, hour: int = 10) -> datetime:
    day = local_date(ctx.now) - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def case(
    ctx: Ctx, person: Person, days_ago: int, classification: str = "confirmed", **extra: object
) -> TracingCase:
    when = at(ctx, days_ago)
    row = TracingCase(
        code=f"C{next(_serial):06d}",
        person_id=person.id,
        jurisdiction_path=person.jurisdiction_path,
        status=extra.pop("status", "open"),
        classification=classification,
        origin="manual",
        found_by=extra.pop("found_by", "community_screening"),
        source=extra.pop("source", "local"),
        reported_at=when,
        lookback_days=4,
        rule_edition="t",
        created_at=when,
        updated_at=when,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def contact(
    ctx: Ctx, of: TracingCase, person: Person, days_ago: int, controlled_after_hours: float | None
) -> None:
    found = at(ctx, days_ago)
    controlled = None if controlled_after_hours is None else found + timedelta(hours=controlled_after_hours)
    ctx.session.add(
        TracingContact(
            case_id=of.id,
            person_id=person.id,
            jurisdiction_path=person.jurisdiction_path,
            category="close",
            status="confirmed",
            reason="household",
            rule="t",
            rule_edition="t",
            created_at=found,
            updated_at=found,
            controlled_at=controlled,
        )
    )


def order(ctx: Ctx, person: Person, kind: str) -> None:
    today = local_date(ctx.now)
    ctx.session.add(
        ControlOrder(
            person_id=person.id,
            community_id=person.community_id,
            jurisdiction_path=person.jurisdiction_path,
            source="manual",
            person_class="close",
            edition="9th",
            kind=kind,
            centralised_days=7,
            home_days=3,
            monitoring_days=0,
            test_days="1,4,7",
            swab="nasal",
            double_test=False,
            citation="t",
            last_exposure_on=today,
            ends_on=today + timedelta(days=7),
            created_at=ctx.now,
            updated_at=ctx.now,
        )
    )


def scans(ctx: Ctx, venue: Venue, days_ago: int, n: int) -> None:
    when = at(ctx, days_ago)
    for _ in range(n):
        ctx.session.add(
            Scan(
                scan_date=local_date(when),
                venue_id=venue.id,
                person_id=None,
                scanned_at=when,
                stay_until=when,
                source="sim",
                created_at=when,
            )
        )


def make_world(ctx: Ctx) -> World:
    city = make_city(ctx)
    cy, hd = city["110105"], city["110108"]
    c1, c2 = city["110105001001"], city["110108001001"]
    people = [make_person(ctx, c1, f"甲{i}") for i in range(6)] + [
        make_person(ctx, c2, f"乙{i}") for i in range(3)
    ]
    a = case(ctx, people[0], 0)  # today, local confirmed, Chaoyang
    case(ctx, people[1], 0, "asymptomatic", found_by="under_control")
    case(ctx, people[2], 2, source="imported")
    case(ctx, people[3], 3, status="discarded")  # not counted
    case(ctx, people[6], 1, "asymptomatic", source="imported", found_by="under_control")  # Haidian
    contact(ctx, a, people[4], 0, 5)  # controlled within 24 h
    contact(ctx, a, people[5], 0, 30)  # controlled too late
    contact(ctx, a, people[7], 0, None)  # Haidian, not yet controlled
    order(ctx, people[4], "centralised")
    order(ctx, people[5], "home_quarantine")
    order(ctx, people[8], "centralised")
    venue = make_venue(ctx, c1)
    sealed = make_venue(ctx, c2)
    sealed.status = "sealed"
    scans(ctx, venue, 0, 5)
    scans(ctx, sealed, 1, 3)
    ctx.session.add(
        ControlZone(
            name="一号楼",
            edition="9th",
            scheme="9th",
            level="high",
            source="building",
            community_id=c1.id,
            jurisdiction_path=c1.path,
            status="active",
            started_on=local_date(ctx.now),
            created_at=ctx.now,
            updated_at=ctx.now,
        )
    )
    ctx.session.flush()
    refresh.refresh(ctx, full=True)
    return World(
        city,
        cy,
        hd,
        venue,
        make_user(ctx, "city_command", city["110000"]),
        make_user(ctx, "district_command", cy),
        make_user(ctx, "community_worker", c1),
    )
