"""Helpers shared by the unit-health lists and their exports: each list is one scoped keyset query
(`fetch(after, limit)`) shared by its page and its export, so an export has exactly the page's
filters and scope; people are masked (first character of the name, masked ID)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction

T = TypeVar("T")


Fetch = Callable[[int | None, int], Sequence[T]]


def day_of(raw: str | None, ctx: Ctx) -> date:
    try:
        return date.fromisoformat(raw) if raw else local_date(ctx.now)
    except ValueError:
        return local_date(ctx.now)


def place_in_scope(ctx: Ctx, jurisdiction_id: int | None) -> tuple[Jurisdiction | None, str]:
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id) if jurisdiction_id else None
    return place, place.path if place else (ctx.actor.scope_path or "/none/")


def place_filters(place: Jurisdiction | None, day: date) -> dict[str, object]:
    return {"report_date": day.isoformat()} | ({"jurisdiction_id": place.id} if place else {})
