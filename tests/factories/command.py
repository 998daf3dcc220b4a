"""The command organisation and the staff around it, made through the services."""

from __future__ import annotations

from lianfang.command.models import CommandBody
from lianfang.command.organisation import service as organisation
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from tests.factories.accounts import make_user
from tests.factories.jurisdictions import make_city

ORG = [
    ("leadership", "leadership", "北京新冠肺炎疫情防控工作领导小组", "统一领导全市疫情防控工作"),
    ("office", "office", "领导小组办公室", "统筹协调、督办检查"),
    ("group", "community", "社区防控组", "指导街乡社区落实防控措施"),
    ("group", "tracing", "流调溯源组", "统筹全市流调力量"),
    ("member", "health-commission", "市卫生健康委", "医疗救治和院感防控"),
]


def make_org(ctx: Ctx) -> dict[str, CommandBody]:
    made: dict[str, CommandBody] = {}
    for kind, code, name, duties in ORG:
        parent = made.get("community").id if kind == "member" and "community" in made else None
        data = organisation.BodyInput(kind=kind, code=code, name=name, duties=duties, parent_id=parent)
        made[code] = organisation.save_body(ctx, None, data)
    return made


class CommandCast:
    """The test city (tests.factories.jurisdictions), the organisation, and staff at city and districts."""

    def __init__(self, ctx: Ctx) -> None:
        self.city: dict[str, Jurisdiction] = make_city(ctx)
        self.root = self.city["110000"]
        self.chaoyang = self.city["110105"]
        self.haidian = self.city["110108"]
        self.org = make_org(ctx)
        self.office = make_user(ctx, "city_command", self.root)
        self.leader = make_user(ctx, "city_command", self.root)
        self.chaoyang_command = make_user(ctx, "district_command", self.chaoyang)
        self.haidian_command = make_user(ctx, "district_command", self.haidian)
        self.street_worker = make_user(ctx, "community_worker", self.city["110105001"])
        self.auditor = make_user(ctx, "auditor", self.root)
