"""The scans table.

On PostgreSQL it is partitioned by local day (`scan_date`) so that retention drops whole partitions,
and it carries no constraint that crosses venues, so it can be distributed by `venue_id` on a Citus
cluster unchanged: the primary key and the idempotency key include the partition key, and every
tracing query filters by venue. There is deliberately no foreign key to venues or people (bulk ingest
speed, and distribution); the service validates venues before writing.

Its DDL is written by hand (migration `0002_scans`, both dialects) because a partitioned table's
primary key must include the partition key, which the ORM mapping (single-column key, so SQLite can
assign ids) does not say; `info["manual_ddl"]` keeps it out of autogenerate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime


class Scan(Base):
    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint("venue_id", "scan_date", "idempotency_key"),
        Index("ix_scans_venue_id_scanned_at", "venue_id", "scanned_at"),
        Index("ix_scans_person_id_scanned_at", "person_id", "scanned_at"),
        {"info": {"manual_ddl": True}},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    scan_date: Mapped[date] = mapped_column(Date)
    venue_id: Mapped[int] = mapped_column()
    person_id: Mapped[int | None] = mapped_column()
    resident_id: Mapped[int | None] = mapped_column()
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stay_until: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_out: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(8))  # page | gate | batch | sim
    code_id: Mapped[int | None] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
