"""Tables owned by the information module: bulletins (one row per version; a published version never
changes, a correction is a new version that supersedes it), policy explanation pages, hotline tickets
and the per-day theme counts of tickets (pre-aggregated, written with every ticket)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Bulletin(Base):
    """每日通报: the figures of one local day frozen at generation, and the office's bilingual text."""

    __tablename__ = "information_bulletins"
    __table_args__ = (
        UniqueConstraint("jurisdiction_path", "day", "version"),
        Index("ix_information_bulletins_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_information_bulletins_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))  # the area it reports on
    day: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12))  # rules.STATUSES
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rule_edition: Mapped[str] = mapped_column(String(24))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("information_bulletins.id"))
    superseded_by_id: Mapped[int | None] = mapped_column()
    created_by_label: Mapped[str] = mapped_column(String(120))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_by_label: Mapped[str] = mapped_column(String(120), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_label: Mapped[str] = mapped_column(String(120), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PolicyPage(Base):
    """政策解读: a page of text the office maintains for the public information page."""

    __tablename__ = "information_policies"
    __table_args__ = (Index("ix_information_policies_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=False)
    updated_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Ticket(Base):
    """A 12345 hotline ticket or a public question / opinion item, routed to a jurisdiction."""

    __tablename__ = "information_tickets"
    __table_args__ = (
        Index("ix_information_tickets_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index(
            "ix_information_tickets_jurisdiction_path_ticket_class_id",
            "jurisdiction_path",
            "ticket_class",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # rules.CHANNELS
    caller_name: Mapped[str] = mapped_column(String(120), default="")
    caller_phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    caller_phone_sealed: Mapped[str | None] = mapped_column(Text)
    caller_phone_masked: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    district_path: Mapped[str] = mapped_column(ordered_string(255))
    suggested_class: Mapped[str] = mapped_column(String(12))
    ticket_class: Mapped[str] = mapped_column(String(12))  # rules.CLASSES
    theme: Mapped[str] = mapped_column(String(24))  # rules.THEMES
    healthcode_popup: Mapped[bool] = mapped_column(default=False)
    received_on: Mapped[date] = mapped_column(Date)  # local day, the key of the theme counts
    rule_edition: Mapped[str] = mapped_column(String(24))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    logged_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ThemeCount(Base):
    """Tickets per (local day, district, class, theme): what the office's theme table reads."""

    __tablename__ = "information_theme_counts"
    __table_args__ = (
        UniqueConstraint("day", "district_path", "ticket_class", "theme"),
        Index("ix_information_theme_counts_district_path_day", "district_path", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    district_path: Mapped[str] = mapped_column(ordered_string(255))
    ticket_class: Mapped[str] = mapped_column(String(12))
    theme: Mapped[str] = mapped_column(String(24))
    count: Mapped[int] = mapped_column(default=0)
