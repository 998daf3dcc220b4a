"""Tables owned by the people module: the registry of persons and households.

Identity numbers and phones are pseudonymised: stored encrypted (`*_sealed`), found by keyed hash
(`*_hash`) and shown masked (`*_masked`). `jurisdiction_path` copies the residence community's path so
scoped lists filter and page on one index without a join. A household code is unique within its
community (户号 are issued per community), not city-wide."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Building(Base):
    """A residential building (楼栋) of a community: what a residence seal covers (RULES §3.2 居住地, §3.3
    二十条 以单元、楼栋为单位). Households point to it; the code (e.g. "3号楼") is unique per community."""

    __tablename__ = "buildings"
    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        Index("ix_buildings_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        Index("ix_households_jurisdiction_path_code", "jurisdiction_path", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_people_jurisdiction_path_name", "jurisdiction_path", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(ordered_string(120))
    id_kind: Mapped[str] = mapped_column(String(16))  # resident_id | passport | other
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_sealed: Mapped[str] = mapped_column(String(255))
    id_masked: Mapped[str] = mapped_column(String(40))
    nationality: Mapped[str] = mapped_column(String(3), default="CHN")
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_sealed: Mapped[str | None] = mapped_column(String(255))
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
