"""Tables owned by the unithealth module: daily unit health reports (with zero reports), their entries
and corrections, sick-absence reports, early-warning rules and alerts, pharmacy sales of the four
medicine classes and the testing duties those sales raise.

Every row that belongs to a place copies its unit's `jurisdiction_path`; list indexes start with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class DailyReport(Base):
    """One unit's health report for one local day: a zero report (零报告) or a checked list."""

    __tablename__ = "unit_daily_reports"
    __table_args__ = (
        UniqueConstraint("unit_id", "report_date"),
        Index("ix_unit_daily_reports_jurisdiction_path_date_id", "jurisdiction_path", "report_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    report_date: Mapped[date] = mapped_column(Date)
    zero_report: Mapped[bool] = mapped_column(default=False)
    headcount: Mapped[int] = mapped_column(default=0)
    checked: Mapped[int] = mapped_column(default=0)
    abnormal: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)
    filed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_by_label: Mapped[str] = mapped_column(String(120))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyReportEntry(Base):
    """One person's check on the day: temperature (°C) and whether the mask rule was kept."""

    __tablename__ = "unit_daily_report_entries"
    __table_args__ = (UniqueConstraint("report_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("unit_daily_reports.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    temperature: Mapped[float | None] = mapped_column()
    mask_ok: Mapped[bool] = mapped_column(default=True)
    symptoms: Mapped[str] = mapped_column(String(200), default="")  # comma-separated codes
    abnormal: Mapped[bool] = mapped_column(default=False)


class Revision(Base):
    """The state of a record before a correction: corrections keep history."""

    __tablename__ = "unithealth_revisions"
    __table_args__ = (Index("ix_unithealth_revisions_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column()
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500), default="")
    by_label: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AbsenceReport(Base):
    """因病缺勤: one person absent through illness on one day, with symptoms and their class or group."""

    __tablename__ = "unit_absences"
    __table_args__ = (
        UniqueConstraint("unit_id", "person_id", "absence_date"),
        Index("ix_unit_absences_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_unit_absences_unit_id_absence_date", "unit_id", "absence_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    group_name: Mapped[str] = mapped_column(String(120), default="")
    absence_date: Mapped[date] = mapped_column(Date)
    symptoms: Mapped[str] = mapped_column(String(200))  # comma-separated codes, sorted
    note: Mapped[str] = mapped_column(String(500), default="")
    withdrawn: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    reported_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AbsenceRuleSetting(Base):
    """A unit type's own early-warning rule, replacing the edition's default for that type and code."""

    __tablename__ = "unit_absence_rules"
    __table_args__ = (UniqueConstraint("unit_kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_kind: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[int] = mapped_column()
    window_days: Mapped[int] = mapped_column()
    same_group: Mapped[bool] = mapped_column(default=True)
    same_symptom: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    edited_by_label: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AbsenceAlert(Base):
    """An early warning raised by a rule; handed to the district CDC as an assignment."""

    __tablename__ = "unit_absence_alerts"
    __table_args__ = (
        UniqueConstraint("unit_id", "rule_code", "group_name", "symptom", "window_end"),
        Index("ix_unit_absence_alerts_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    rule_code: Mapped[str] = mapped_column(String(40))
    rule_edition: Mapped[str] = mapped_column(String(40))
    group_name: Mapped[str] = mapped_column(String(120), default="")
    symptom: Mapped[str] = mapped_column(String(40), default="")
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column()
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PharmacySale(Base):
    """A sale of a fever, cough, antiviral or antibiotic medicine, with the buyer's identity."""

    __tablename__ = "pharmacy_sales"
    __table_args__ = (
        UniqueConstraint("unit_id", "client_ref"),
        Index("ix_pharmacy_sales_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    client_ref: Mapped[str] = mapped_column(String(64))  # idempotency key (the till's receipt number)
    buyer_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    buyer_id_masked: Mapped[str] = mapped_column(String(40))
    buyer_name: Mapped[str] = mapped_column(String(120))
    buyer_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    medicine_class: Mapped[str] = mapped_column(String(16))
    medicine_name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(default=1)
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TestingDuty(Base):
    """A durable fact: this buyer must take a nucleic-acid test (pop-up ④) from `started_at` until a
    test done after it is reported (`cleared_at`). The health-code module derives pop-up ④ from it."""

    __tablename__ = "testing_duties"
    __table_args__ = (
        Index("ix_testing_duties_id_hash_cleared_at", "id_hash", "cleared_at"),
        Index("ix_testing_duties_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))  # where it was raised
    reason: Mapped[str] = mapped_column(String(40))  # medicine_purchase
    popup: Mapped[str] = mapped_column(String(8))  # "4" (RULES.md §4.3)
    rule_edition: Mapped[str] = mapped_column(String(40))
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column()
    clears_on: Mapped[str] = mapped_column(String(40))  # test_after_start
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_by: Mapped[str] = mapped_column(String(120), default="")
