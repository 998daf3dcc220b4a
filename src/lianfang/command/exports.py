"""Helpers shared by the command lists and their exports: each list is one scoped keyset query
(`fetch(key, limit)`, newest first where the page is) shared by its page and its export, so an
export has exactly the page's filters and scope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from lianfang.command import repository
from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction

T = TypeVar("T")


Fetch = Callable[[int | None, int], Sequence[T]]


def local_minutes(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="minutes") if moment else ""


def places_by_id(ctx: Ctx, ids: list[int]) -> dict[int, Jurisdiction]:
    return repository.jurisdictions_by_ids(ctx.session, ids)
