"""Tables owned by the jurisdictions module."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import ordered_string


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    # Materialised path of ids, e.g. "/1/4/17/": a subtree is every path with this prefix.
    path: Mapped[str] = mapped_column(ordered_string(255), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    geometry: Mapped[str | None] = mapped_column(Text, default=None)
