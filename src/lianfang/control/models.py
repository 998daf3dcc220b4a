"""Tables owned by the control module (管控): zones and their places, the proposals made when a case is
confirmed, control orders with their changes, isolation sites with rooms, and daily health reports.

Scoped lists start with `jurisdiction_path` (the person's or the place's community, copied)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class ControlZone(Base):
    __tablename__ = "control_zones"
    __table_args__ = (
        Index("ix_control_zones_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_control_zones_jurisdiction_path_status_id", "jurisdiction_path", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    edition: Mapped[str] = mapped_column(String(16))
    scheme: Mapped[str] = mapped_column(String(8))  # fgf | 9th | twenty
    level: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # community | building | venue
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | lifted
    started_on: Mapped[date] = mapped_column(Date)
    last_case_on: Mapped[date | None] = mapped_column(Date)
    last_contact_exposure_on: Mapped[date | None] = mapped_column(Date)
    last_contact_negative: Mapped[bool] = mapped_column(default=False)
    round_negative_on: Mapped[date | None] = mapped_column(Date)
    downgraded_on: Mapped[date | None] = mapped_column(Date)
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lifted_by_override: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str] = mapped_column(String(500), default="")
    case_id: Mapped[int | None] = mapped_column()
    proposal_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ControlZonePlace(Base):
    """A household (of a building), a unit or a venue inside a zone; a community zone has none."""

    __tablename__ = "control_zone_places"
    __table_args__ = (
        UniqueConstraint("zone_id", "place_type", "place_id"),
        Index("ix_control_zone_places_place_type_place_id", "place_type", "place_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("control_zones.id", ondelete="CASCADE"))
    place_type: Mapped[str] = mapped_column(String(12))  # household | unit | venue
    place_id: Mapped[int] = mapped_column()


class ControlProposal(Base):
    """What lianfang proposes to seal or close when a case is confirmed (R20); one per case."""

    __tablename__ = "control_proposals"
    __table_args__ = (Index("ix_control_proposals_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    edition: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | confirmed | rejected
    items: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{type, id, label, action, people}]
    test_person_ids: Mapped[list[int]] = mapped_column(JSON)
    window_from: Mapped[datetime] = mapped_column(UTCDateTime())
    window_to: Mapped[datetime] = mapped_column(UTCDateTime())
    assignment_id: Mapped[int | None] = mapped_column()
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ControlOrder(Base):
    __tablename__ = "control_orders"
    __table_args__ = (
        UniqueConstraint("person_id", "source", "source_ref"),
        Index("ix_control_orders_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_control_orders_jurisdiction_path_status_id", "jurisdiction_path", "status", "id"),
        Index("ix_control_orders_person_id_status", "person_id", "status"),
        Index("ix_control_orders_linked_person_id", "linked_person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    source: Mapped[str] = mapped_column(String(16))  # tracing | travel | hospital | zone | manual
    source_ref: Mapped[str] = mapped_column(String(40), default="")
    person_class: Mapped[str] = mapped_column(String(24))
    edition: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    centralised_days: Mapped[int] = mapped_column()
    home_days: Mapped[int] = mapped_column()
    monitoring_days: Mapped[int] = mapped_column()
    test_days: Mapped[str] = mapped_column(String(60))
    swab: Mapped[str] = mapped_column(String(16))
    double_test: Mapped[bool] = mapped_column()
    citation: Mapped[str] = mapped_column(String(120))
    last_exposure_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | ended
    given_how: Mapped[str] = mapped_column(String(12), default="verbal")
    given_on: Mapped[date | None] = mapped_column(Date)
    delivered: Mapped[bool] = mapped_column(default=False)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    work_prohibited: Mapped[bool] = mapped_column(default=True)
    team: Mapped[str] = mapped_column(String(60), default="")
    room_id: Mapped[int | None] = mapped_column()
    linked_person_id: Mapped[int | None] = mapped_column()  # a secondary contact's close contact
    missed_flagged_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(16), default="")
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ControlOrderChange(Base):
    __tablename__ = "control_order_changes"
    __table_args__ = (Index("ix_control_order_changes_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("control_orders.id", ondelete="CASCADE"))
    days: Mapped[int] = mapped_column()  # + extension, - reduction
    reason: Mapped[str] = mapped_column(String(500))
    before_ends_on: Mapped[date] = mapped_column(Date)
    after_ends_on: Mapped[date] = mapped_column(Date)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class IsolationSite(Base):
    __tablename__ = "control_sites"
    __table_args__ = (Index("ix_control_sites_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IsolationRoom(Base):
    __tablename__ = "control_rooms"
    __table_args__ = (UniqueConstraint("site_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("control_sites.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[int | None] = mapped_column(unique=True)  # the occupant's order


class HealthReport(Base):
    __tablename__ = "control_reports"
    __table_args__ = (
        Index("ix_control_reports_jurisdiction_path_reported_on", "jurisdiction_path", "reported_on"),
        Index("ix_control_reports_order_id_reported_on", "order_id", "reported_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("control_orders.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    reported_on: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    temperature: Mapped[float | None] = mapped_column(Float)
    symptoms: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(8))  # self | worker
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
