"""Tables owned by supply: the daily reports of stock, sales and prices per outlet and good, and the
alerts the rule set raised on them. An outlet is a venue of an outlet kind (rules.OUTLET_KINDS); rows
copy its community's path so that lists and the overview filter on an index with no join."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class SupplyReport(Base):
    """One good at one outlet on one local day; a second report for the same key is a correction."""

    __tablename__ = "supply_reports"
    __table_args__ = (
        UniqueConstraint("venue_id", "day", "good"),
        Index("ix_supply_reports_jurisdiction_path_day", "jurisdiction_path", "day"),
        Index("ix_supply_reports_venue_id_good_day", "venue_id", "good", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    day: Mapped[date] = mapped_column(Date)
    good: Mapped[str] = mapped_column(String(24))
    stock: Mapped[float] = mapped_column(Float)  # in the good's unit (rules.GOODS)
    sold: Mapped[float] = mapped_column(Float)  # sold that day, same unit
    price_cents: Mapped[int] = mapped_column()  # retail price per unit, in fen
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    revision: Mapped[int] = mapped_column(default=1)
    reported_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SupplyAlert(Base):
    """A low-stock or price-jump finding, raised once per outlet, day, good and kind."""

    __tablename__ = "supply_alerts"
    __table_args__ = (
        UniqueConstraint("venue_id", "day", "good", "kind"),
        Index("ix_supply_alerts_jurisdiction_path_day", "jurisdiction_path", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    day: Mapped[date] = mapped_column(Date)
    good: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))  # low_stock | price_jump
    value: Mapped[float] = mapped_column(Float)  # days of cover, or the day-over-day rise (0.25 = +25 %)
    threshold: Mapped[float] = mapped_column(Float)
    edition: Mapped[str] = mapped_column(String(24))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
