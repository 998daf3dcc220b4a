"""The certificate checks recorded on inbound arrivals (R8). No holder name, birth date or certificate
identifier is stored: the check keeps its outcome, the certificate's kind and dates, the signer, and
keyed hashes that make a retried request idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class DccCheck(Base):
    __tablename__ = "interop_dcc_checks"
    __table_args__ = (
        UniqueConstraint("arrival_id", "qr_hash"),  # the same QR recorded twice on an arrival is one row
        Index("ix_interop_dcc_checks_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_interop_dcc_checks_arrival_id_id", "arrival_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    arrival_id: Mapped[int] = mapped_column(ForeignKey("travel_arrivals.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    qr_hash: Mapped[str] = mapped_column(String(64))
    uvci_hash: Mapped[str] = mapped_column(String(64), default="")
    valid: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(String(24), default="")  # decode.REASONS, "" when valid
    kind: Mapped[str] = mapped_column(String(1), default="")  # v | t | r
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the entry's fields, no names
    signer_kid: Mapped[str] = mapped_column(String(16), default="")
    signer_country: Mapped[str] = mapped_column(String(2), default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_for_entry: Mapped[bool] = mapped_column(default=False)
    verdict: Mapped[str] = mapped_column(String(32), default="")
    rule_edition: Mapped[str] = mapped_column(String(32), default="")
    inbound_edition: Mapped[str] = mapped_column(String(32), default="")
    plan_shortened_days: Mapped[int] = mapped_column(default=0)
    checked_by: Mapped[str] = mapped_column(String(120))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
