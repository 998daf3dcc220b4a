"""Tables owned by the venues module: public places, with their type, place and status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime


class Venue(Base):
    __tablename__ = "venues"
    __table_args__ = (
        Index("ix_venues_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_venues_jurisdiction_path_name", "jurisdiction_path", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    capacity: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | sealed
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    operator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
