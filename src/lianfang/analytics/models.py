"""Tables owned by analytics: the dashboard's pre-aggregated figures.

`analytics_daily` holds one value per local day, district and metric (cases by kind and origin, cases
found under control, contacts found and controlled within 24 hours, scans); `analytics_now` holds the
current counts per district (people under each control order kind, sealed venues, active zones by level).
The dashboard reads only these (a few thousand rows for a city), never cases, orders or scans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class AnalyticsDaily(Base):
    __tablename__ = "analytics_daily"
    __table_args__ = (
        UniqueConstraint("day", "district_path", "metric"),
        Index("ix_analytics_daily_district_path_day", "district_path", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    district_path: Mapped[str] = mapped_column(ordered_string(255))
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(default=0)


class AnalyticsNow(Base):
    __tablename__ = "analytics_now"
    __table_args__ = (UniqueConstraint("district_path", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_path: Mapped[str] = mapped_column(ordered_string(255))
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(default=0)


class AnalyticsRefresh(Base):
    """When the figures were last refreshed and from which day (one row)."""

    __tablename__ = "analytics_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    since: Mapped[date] = mapped_column(Date)
