"""The one place that reads the wall clock. Rules never call it: they are handed `now`/`today`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime, tz: ZoneInfo = SHANGHAI) -> date:
    return moment.astimezone(tz).date()


def end_of_local_day(moment: datetime, tz: ZoneInfo = SHANGHAI) -> datetime:
    """24:00 of the local day that contains `moment`, as aware UTC ("不过夜" deadlines)."""
    day = local_date(moment, tz)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def to_local(moment: datetime, tz: ZoneInfo = SHANGHAI) -> datetime:
    return moment.astimezone(tz)
