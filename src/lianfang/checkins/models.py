"""Tables owned by check-ins: venue codes, registrars, and the scans table.

The scans table is partitioned by local day (`scan_date`) on PostgreSQL so that retention drops whole
partitions, and it carries no constraint that crosses venues, so it can be distributed by `venue_id` on a
Citus cluster unchanged: the primary key `(id, scan_date, venue_id)` and the idempotency key
`(venue_id, scan_date, idempotency_key)` (a partial unique index over the scans that carry a key) both
include the partition key and the distribution column, and
every tracing query filters by venue (or by person, which a distributed cluster answers from every
shard). There is deliberately no foreign key to venues or people (bulk ingest speed, and distribution);
the service validates venues and persons before writing.

Its DDL is written by hand (migration `0002_scans`, both dialects) because a partitioned table's
primary key must include the partition key, which the ORM mapping (single-column key, so SQLite can
assign ids) does not say; `info["manual_ddl"]` keeps it out of autogenerate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime


class Scan(Base):
    __tablename__ = "scans"
    __table_args__ = (
        Index(
            "uq_scans_venue_id_scan_date_idempotency_key",
            "venue_id",
            "scan_date",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
            sqlite_where=text("idempotency_key IS NOT NULL"),
        ),
        # Covering: "who was at venue V between T1 and T2" reads the index alone (no heap page per scan).
        Index(
            "ix_scans_venue_id_scanned_at",
            "venue_id",
            "scanned_at",
            postgresql_include=["stay_until", "person_id", "scan_date"],
        ),
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
    source: Mapped[str] = mapped_column(String(8))  # page | api | batch | sim
    code_id: Mapped[int | None] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VenueCode(Base):
    """A printable scan code (场所码 / 登记簿二维码) of a venue. Large places have several, one per entrance.

    `token` is random and unguessable (the QR encodes `/s/{token}`); a code is `active`, `suspended`
    (with the reason: the venue closed or was sealed, the registrar's status is abnormal, or by hand) or
    `revoked` (never again). Scans taken before `suspended_at` are still accepted from offline devices."""

    __tablename__ = "venue_codes"
    __table_args__ = (
        Index("ix_venue_codes_venue_id_id", "venue_id", "id"),
        Index("ix_venue_codes_registrar_person_id_status", "registrar_person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    label: Mapped[str] = mapped_column(String(80), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended | revoked
    suspended_reason: Mapped[str] = mapped_column(String(16), default="")  # venue | registrar | manual
    suspended_note: Mapped[str] = mapped_column(String(255), default="")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registrar_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    registrar_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Registrar(Base):
    """Which registered person an operator account is (登记员): their own health status decides whether
    they may hold venue codes (RULES.md §4.4)."""

    __tablename__ = "checkin_registrars"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
