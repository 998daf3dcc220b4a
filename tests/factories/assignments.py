"""Assignments issued through the service, as the system or as a given staff user."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from lianfang.accounts.access import staff_actor
from lianfang.accounts.models import User
from lianfang.assignments.models import Assignment
from lianfang.assignments.service import issue_assignment
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from tests.factories.accounts import make_user

_serial = count(1)


def as_user(ctx: Ctx, user: User) -> Ctx:
    """The same unit of work, acting as `user` (with the permissions of the user's role)."""
    return ctx.as_actor(staff_actor(ctx.session, user, None))


def make_assignment(
    ctx: Ctx,
    owner: Jurisdiction,
    *,
    issuer: User | None = None,
    owner_user: User | None = None,
    deadline: datetime | None = None,
    title: str | None = None,
    kind: str = "task",
) -> Assignment:
    acting = as_user(ctx, issuer) if issuer is not None else ctx
    return issue_assignment(
        acting,
        title=title or f"督办事项 {next(_serial)}",
        body="请按要求落实。",
        owner_jurisdiction_id=owner.id,
        deadline=deadline,
        owner_user_id=owner_user.id if owner_user else None,
        kind=kind,
    )


class Cast:
    """Staff around one community of the test city (codes from tests.factories.jurisdictions)."""

    def __init__(self, ctx: Ctx, city: dict[str, Jurisdiction]) -> None:
        self.city = city
        self.community = city["110105001001"]
        self.street = city["110105001"]
        self.district = city["110105"]
        self.city_command = make_user(ctx, "city_command", city["110000"])
        self.district_command = make_user(ctx, "district_command", self.district)
        self.street_worker = make_user(ctx, "community_worker", self.street)
        self.worker = make_user(ctx, "community_worker", self.community)
        self.colleague = make_user(ctx, "community_worker", self.community)
        self.other_worker = make_user(ctx, "community_worker", city["110108001001"])
        self.other_district = make_user(ctx, "district_command", city["110108"])
        self.auditor = make_user(ctx, "auditor", city["110000"])
