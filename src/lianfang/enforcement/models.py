"""Tables owned by the enforcement module: inspections (监督检查) with their checklist results, findings
with photos and the unit's response, closure orders for venue types, the register of postponed and
cancelled events, violations with evidence and disposition, a unit's infection record, and the history
of corrections. Rows copy the inspected place's `jurisdiction_path`; list indexes start with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_inspections_jurisdiction_path_state_id", "jurisdiction_path", "state", "id"),
        Index("ix_inspections_unit_id_id", "unit_id", "id"),
        Index("ix_inspections_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))  # unit | venue
    target_id: Mapped[int] = mapped_column()
    target_kind: Mapped[str] = mapped_column(String(32))
    target_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the accountable unit, if any
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    checklist: Mapped[str] = mapped_column(String(32))
    checklist_edition: Mapped[str] = mapped_column(String(40))
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item code -> pass | fail | na
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))  # passed | rectifying | closed
    reinspection_of_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    inspector_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    inspector_label: Mapped[str] = mapped_column(String(120))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Finding(Base):
    __tablename__ = "inspection_findings"
    __table_args__ = (
        Index(
            "ix_inspection_findings_jurisdiction_path_state_deadline",
            "jurisdiction_path",
            "state",
            "deadline",
        ),
        Index("ix_inspection_findings_inspection_id_id", "inspection_id", "id"),
        Index("ix_inspection_findings_unit_id_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    item_code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16))  # open | responded | rectified | not_rectified
    response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_label: Mapped[str] = mapped_column(String(120), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Attachment(Base):
    """A photo or document: of a finding (the inspector's, or the unit's response) or of a violation."""

    __tablename__ = "enforcement_attachments"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "sha256"),
        Index("ix_enforcement_attachments_subject", "subject_type", "subject_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(24))  # finding | response | violation
    subject_id: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_by_label: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClosureOrder(Base):
    """Venues of `venue_kind` under `jurisdiction_path` stay closed until the order is lifted (R16)."""

    __tablename__ = "closure_orders"
    __table_args__ = (Index("ix_closure_orders_jurisdiction_path_kind", "jurisdiction_path", "venue_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_kind: Mapped[str] = mapped_column(String(32))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    reason: Mapped[str] = mapped_column(String(255))
    rule_edition: Mapped[str] = mapped_column(String(40))
    ordered_by_label: Mapped[str] = mapped_column(String(120))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by_label: Mapped[str] = mapped_column(String(120), default="")


class RegisteredEvent(Base):
    """An event or meeting (会议、论坛、赛事) and what was decided about it (R17)."""

    __tablename__ = "registered_events"
    __table_args__ = (
        Index("ix_registered_events_jurisdiction_path_date_id", "jurisdiction_path", "planned_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200))
    expected_size: Mapped[int] = mapped_column()
    planned_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255), default="")
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    new_date: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    decided_by_label: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    created_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Violation(Base):
    """A violation (R23): who (a person or a unit), what, the evidence, the law cited, the disposition
    and who decided it."""

    __tablename__ = "violations"
    __table_args__ = (
        Index("ix_violations_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_violations_jurisdiction_path_state_id", "jurisdiction_path", "state", "id"),
        Index("ix_violations_unit_id_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # person | unit
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    category: Mapped[str] = mapped_column(String(32))
    facts: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    law_code: Mapped[str] = mapped_column(String(40))
    law_article: Mapped[str] = mapped_column(String(120), default="")
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    state: Mapped[str] = mapped_column(String(16), default="recorded")  # recorded | decided
    disposition: Mapped[str | None] = mapped_column(String(32))
    disposition_note: Mapped[str] = mapped_column(String(1000), default="")
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_label: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitInfection(Base):
    """An infection among a unit's people, as confirmed by the CDC: it ends a "zero infection" record."""

    __tablename__ = "unit_infections"
    __table_args__ = (Index("ix_unit_infections_unit_id_reported_on", "unit_id", "reported_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    reported_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Revision(Base):
    """The state of a record before a correction."""

    __tablename__ = "enforcement_revisions"
    __table_args__ = (Index("ix_enforcement_revisions_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column()
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500), default="")
    by_label: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
