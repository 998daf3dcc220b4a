"""Tables owned by the assignments module: supervised work items (督办事项) and their history.

Every list filter has a composite index: scoped lists and board counts start with `owner_path` (the
owner jurisdiction's materialised path), "my work" starts with the owner, the worker's scans start with
`state` and the time they look at, and "escalated to me" starts with `watch_path`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_owner_path_id", "owner_path", "id"),
        Index("ix_assignments_owner_path_state_deadline", "owner_path", "state", "deadline"),
        Index("ix_assignments_owner_path_state_done_at", "owner_path", "state", "done_at"),
        Index("ix_assignments_owner_user_state_id", "owner_user_id", "state", "id"),
        Index("ix_assignments_owner_jurisdiction_state_id", "owner_jurisdiction_id", "state", "id"),
        Index("ix_assignments_issued_by_user_id_id", "issued_by_user_id", "id"),
        Index("ix_assignments_state_remind_at", "state", "remind_at"),
        Index("ix_assignments_state_next_escalation_at", "state", "next_escalation_at"),
        Index("ix_assignments_watch_path_state_id", "watch_path", "state", "id"),
        Index("ix_assignments_subject", "subject_type", "subject_id"),
        # The command board's daily completion refresh reads the items due in one local day.
        Index("ix_assignments_deadline_state", "deadline", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="task")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    # Owner: a jurisdiction (always, for scope), optionally narrowed to a person or a working group.
    owner_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    owner_path: Mapped[str] = mapped_column(ordered_string(255))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_group: Mapped[str | None] = mapped_column(String(64))
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_by_label: Mapped[str] = mapped_column(String(120))
    # The issuing side's jurisdiction: its staff with assignments.issue may return or cancel the item.
    issuer_path: Mapped[str] = mapped_column(ordered_string(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="issued")
    # Escalation: each level up the jurisdiction tree that now watches the late item.
    escalation_level: Mapped[int] = mapped_column(default=0)
    watch_path: Mapped[str] = mapped_column(ordered_string(255))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the computed escalation target next changes (None once the root watches): the worker's scan
    # reads only rows due by this column, so its cost follows the due items, not every late one.
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AssignmentNote(Base):
    __tablename__ = "assignment_notes"
    __table_args__ = (Index("ix_assignment_notes_assignment_id_id", "assignment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author_label: Mapped[str] = mapped_column(String(120))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))  # note | state | reminder | escalation | reassign
    text: Mapped[str] = mapped_column(Text, default="")
    state_from: Mapped[str | None] = mapped_column(String(16))
    state_to: Mapped[str | None] = mapped_column(String(16))


class AssignmentEvidence(Base):
    __tablename__ = "assignment_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("assignment_notes.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only for a download
