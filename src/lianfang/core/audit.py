"""The audit trail: one row per change and per read of an identity number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from lianfang.core.context import Ctx
from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_subject", "subject_type", "subject_id"),
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_jurisdiction_path_at", "jurisdiction_path", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_label: Mapped[str] = mapped_column(String(120))
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_ip: Mapped[str | None] = mapped_column(String(64))
    verb: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    jurisdiction_path: Mapped[str | None] = mapped_column(ordered_string(255))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    ctx: Ctx,
    verb: str,
    subject_type: str,
    subject_id: object = None,
    jurisdiction_path: str | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        at=ctx.now,
        actor_kind=ctx.actor.kind,
        actor_label=ctx.actor.label,
        actor_user_id=ctx.actor.user_id,
        actor_ip=ctx.actor.ip,
        verb=verb,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        jurisdiction_path=jurisdiction_path,
        detail=detail,
    )
    ctx.session.add(entry)
    return entry


def entry(
    ctx: Ctx,
    verb: str,
    subject_type: str,
    subject_id: object = None,
    jurisdiction_path: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """The values of the row `record` would add, for `record_many`."""
    return {
        "at": ctx.now,
        "actor_kind": ctx.actor.kind,
        "actor_label": ctx.actor.label,
        "actor_user_id": ctx.actor.user_id,
        "actor_ip": ctx.actor.ip,
        "verb": verb,
        "subject_type": subject_type,
        "subject_id": None if subject_id is None else str(subject_id),
        "jurisdiction_path": jurisdiction_path,
        "detail": detail,
    }


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Many audit rows in one executemany (set-based writers: one row per request of a batch)."""
    if entries:
        session.execute(insert(AuditEntry), entries)
