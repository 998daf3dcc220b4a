"""Tables owned by the venues module: public places, with their type, place and status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Venue(Base):
    __tablename__ = "venues"
    __table_args__ = (
        Index("ix_venues_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_venues_jurisdiction_path_name", "jurisdiction_path", "name"),
        Index("ix_venues_jurisdiction_path_kind_id", "jurisdiction_path", "kind", "id"),
        Index("ix_venues_jurisdiction_path_status_id", "jurisdiction_path", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(ordered_string(200))
    kind: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    capacity: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | sealed
    status_reason: Mapped[str] = mapped_column(String(255), default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # True when an authority (not the venue's own operator) set the status: the operator cannot undo it.
    status_by_authority: Mapped[bool] = mapped_column(default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    operator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
