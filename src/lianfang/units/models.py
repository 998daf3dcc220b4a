"""Tables owned by the units module: employers, schools, hospitals, clinics, pharmacies, property,
cleaning, labour-dispatch and housekeeping companies, their staff and their health officers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (
        Index("ix_units_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_units_jurisdiction_path_name", "jurisdiction_path", "name"),
        Index("ix_units_jurisdiction_path_kind_id", "jurisdiction_path", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # unified social credit code or local code
    name: Mapped[str] = mapped_column(ordered_string(200))
    kind: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitMembership(Base):
    """A person's place in a unit. Staff placed by a labour-dispatch or housekeeping company name that
    company in `via_unit_id`: they are managed at the source, through it (MISSION R12)."""

    __tablename__ = "unit_memberships"
    __table_args__ = (
        UniqueConstraint("unit_id", "person_id"),
        Index("ix_unit_memberships_unit_id_id", "unit_id", "id"),
        Index("ix_unit_memberships_via_unit_id_id", "via_unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    group_name: Mapped[str] = mapped_column(String(120), default="")  # class, office, workshop
    via_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitOfficer(Base):
    """A staff account (role unit_officer) that reports for a unit."""

    __tablename__ = "unit_officers"
    __table_args__ = (UniqueConstraint("unit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
