"""The information module's test city: four infections yesterday (two local confirmed in 朝阳, one
local asymptomatic and one imported in 海淀), one today, a close contact found and controlled
yesterday, a high-risk area in the city, and the office, a district command and a worker."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

import pytest

from lianfang.accounts.models import User
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.models import TracingCase
from lianfang.travel import service as travel_service
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.travel import load_places


@dataclass
class InfoWorld:
    city: dict[str, Jurisdiction]
    office: User
    chaoyang: User
    haidian: User
    worker: User
    yesterday_ctx: Ctx
    cases: list[TracingCase]


def yesterday_noon(ctx: Ctx) -> datetime:
    day = local_date(ctx.now) - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=SHANGHAI)


def _case(ctx: Ctx, person_id: int, classification: str, source: str, found_by: str) -> TracingCase:
    sampled = ctx.now - timedelta(hours=2)
    data = service.CaseInput(
        person_id=person_id,
        classification=classification,
        source=source,
        found_by=found_by,
        onset_at=sampled if classification == "confirmed" else None,
        sampled_at=sampled,
    )
    return service.open_case(ctx, data)


@pytest.fixture
def world(ctx: Ctx) -> InfoWorld:
    city = make_city(ctx)
    yctx = replace(ctx, now=yesterday_noon(ctx))
    people = [
        make_person(yctx, city[code], name)
        for code, name in (
            ("110105001001", "甲"),
            ("110105001002", "乙"),
            ("110108001001", "丙"),
            ("110108001001", "丁"),
            ("110105002001", "戊"),
            ("110105001001", "己"),
        )
    ]
    cases = [
        _case(yctx, people[0].id, "confirmed", "local", "community_screening"),
        _case(yctx, people[1].id, "confirmed", "local", "clinic"),
        _case(yctx, people[2].id, "asymptomatic", "local", "community_screening"),
        _case(yctx, people[3].id, "confirmed", "imported", "arrival_screening"),
        _case(ctx, people[4].id, "confirmed", "local", "community_screening"),  # today: not yesterday's
    ]
    contact = contacts.add_contact(
        yctx, cases[0].id, contacts.ManualContact(category="close", person_id=people[5].id)
    )
    contacts.mark_controlled(yctx, contact.id)
    load_places(ctx)
    travel_service.create_risk_area(
        ctx,
        travel_service.RiskAreaInput(
            "110105",
            "high",
            local_date(ctx.now),
            "北京市通报",
            "no_new_14d",
            area_name="某小区",
            inside_city=True,
        ),
    )
    return InfoWorld(
        city,
        make_user(ctx, "city_command", city["110000"]),
        make_user(ctx, "district_command", city["110105"]),
        make_user(ctx, "district_command", city["110108"]),
        make_user(ctx, "community_worker", city["110105001001"]),
        yctx,
        cases,
    )
