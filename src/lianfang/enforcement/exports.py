"""Helpers shared by the enforcement lists and their exports: each list is one scoped keyset query
(`fetch(after, limit)`) shared by its page and its export, so an export has exactly the page's
filters and scope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from lianfang.core.clock import to_local

T = TypeVar("T")


Fetch = Callable[[int | None, int], Sequence[T]]


def local_minutes(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="minutes") if moment else ""
