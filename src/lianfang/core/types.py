"""Column types. Time is aware UTC inside the system; SQLite stores it naive, so it is re-tagged on read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetime given to a UTCDateTime column"
            raise ValueError(msg)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


def ordered_string(length: int) -> String:
    """A string compared by code point on PostgreSQL too (COLLATE "C"), whatever the database's locale,
    so the prefix ranges used for jurisdiction subtrees and name searches are exact and walk a plain
    B-tree index. SQLite compares bytes already."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")
