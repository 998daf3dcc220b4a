"""Testing fixtures: a round over a district with a site, a lab and registered residents."""

from __future__ import annotations

from itertools import count

from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.testing.models import Lab, SamplingSite, TestingRound
from lianfang.testing.rounds import service as rounds_service
from lianfang.testing.sites import service as sites_service
from tests.factories.accounts import make_user
from tests.factories.people import make_person

_serial = count(1)


def barcode() -> str:
    return f"T{next(_serial):08d}"


class TestingWorld:
    """The test city's Chaoyang district: a round over it, a site and a lab there, people in two
    communities, and staff in each role that testing uses."""

    __test__ = False

    def __init__(self, ctx: Ctx, city: dict[str, Jurisdiction], people_per_community: int = 6) -> None:
        self.city = city
        self.district = city["110105"]
        self.community = city["110105001001"]
        self.neighbour = city["110105001002"]
        self.far = city["110108001001"]
        self.people: list[Person] = [
            make_person(ctx, self.community, f"居民{i}") for i in range(people_per_community)
        ]
        self.neighbours: list[Person] = [make_person(ctx, self.neighbour, f"邻居{i}") for i in range(3)]
        self.site: SamplingSite = sites_service.create_site(
            ctx, "建外第1采样点", self.community.id, "建外大街1号"
        )
        self.far_site: SamplingSite = sites_service.create_site(ctx, "中关村采样点", self.far.id)
        self.lab: Lab = sites_service.create_lab(ctx, "朝阳区疾控实验室", self.district.id, 1000)
        self.round: TestingRound = rounds_service.order_round(
            ctx, rounds_service.RoundInput("第1轮区域核酸", self.district.id, "pool10")
        )
        self.command = make_user(ctx, "district_command", self.district)
        self.sampler = make_user(ctx, "lab", self.community)
        self.lab_user = make_user(ctx, "lab", self.district)
        self.worker = make_user(ctx, "community_worker", self.community)
        self.far_sampler = make_user(ctx, "lab", self.far)
        self.auditor = make_user(ctx, "auditor", city["110000"])
