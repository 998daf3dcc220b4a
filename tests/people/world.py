"""A small city for the registry tests: community A and A2 in 朝阳区, community B in 海淀区."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city

A, A2, B = "110105001001", "110105002001", "110108001001"


@dataclass(frozen=True)
class World:
    city: dict[str, Jurisdiction]

    @property
    def a(self) -> Jurisdiction:
        return self.city[A]

    @property
    def a2(self) -> Jurisdiction:
        return self.city[A2]

    @property
    def b(self) -> Jurisdiction:
        return self.city[B]

    @property
    def chaoyang(self) -> Jurisdiction:
        return self.city["110105"]


def make_world(ctx: Ctx) -> World:
    return World(make_city(ctx))


def signed_in(ctx: Ctx, client: TestClient, role: str, home: Jurisdiction) -> TestClient:
    return bearer(client, make_user(ctx, role, home))
