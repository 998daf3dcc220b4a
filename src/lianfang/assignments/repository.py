"""Queries over assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lianfang.assignments.models import Assignment
from lianfang.core.access import Actor

OPEN_STATES = ("issued", "acknowledged", "in_progress", "returned")


def my_work_counts(session: Session, actor: Actor, now: datetime) -> tuple[int, int]:
    """Open and late items owned by the actor or by the actor's home jurisdiction (unassigned to a person)."""
    mine = or_(
        Assignment.owner_user_id == actor.user_id,
        (Assignment.owner_jurisdiction_id == actor.jurisdiction_id) & Assignment.owner_user_id.is_(None),
    )
    base = select(func.count()).where(mine, Assignment.state.in_(OPEN_STATES))
    open_count = session.scalar(base) or 0
    late_count = session.scalar(base.where(Assignment.deadline < now)) or 0
    return int(open_count), int(late_count)
