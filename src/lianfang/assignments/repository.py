"""Queries over assignments. Lists page by id (keyset); board counts GROUP BY owner_path on an index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from lianfang.accounts.models import User
from lianfang.assignments.models import Assignment, AssignmentEvidence, AssignmentNote
from lianfang.assignments.rules import OPEN_STATES, path_ids
from lianfang.core.access import Actor
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree


def visible_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause for lists. watch_path is owner_path or one of its ancestors, so a scope that covers
    watch_path covers owner_path too: (c) is contained in (b) and needs no clause of its own."""
    if actor.kind == "system":
        return true()
    clauses: list[ColumnElement[bool]] = []
    if actor.scope_path is not None:
        clauses.append(in_subtree(Assignment.owner_path, actor.scope_path))
    if actor.user_id is not None:
        clauses.append(Assignment.owner_user_id == actor.user_id)
        clauses.append(Assignment.issued_by_user_id == actor.user_id)
    return or_(*clauses) if clauses else false()


def mine_clause(actor: Actor) -> ColumnElement[bool]:
    """Owned by the actor, or by the actor's home jurisdiction with no person owner."""
    return or_(
        Assignment.owner_user_id == actor.user_id,
        (Assignment.owner_jurisdiction_id == actor.jurisdiction_id) & Assignment.owner_user_id.is_(None),
    )


def late_clause(now: datetime) -> ColumnElement[bool]:
    return Assignment.state.in_(OPEN_STATES) & (Assignment.deadline <= now)


def my_work_counts(session: Session, actor: Actor, now: datetime) -> tuple[int, int]:
    """Open and late items owned by the actor or by the actor's home jurisdiction (unassigned to a person)."""
    base = select(func.count()).where(mine_clause(actor), Assignment.state.in_(OPEN_STATES))
    open_count = session.scalar(base) or 0
    late_count = session.scalar(base.where(Assignment.deadline <= now)) or 0
    return int(open_count), int(late_count)


@dataclass(frozen=True)
class ListFilter:
    mine: bool = False
    states: tuple[str, ...] = ()
    late: bool = False
    owner_prefix: str | None = None  # the owner jurisdiction's subtree
    escalated_to: str | None = None  # watch_path of open items escalated to this jurisdiction


def page(
    session: Session, actor: Actor, where: ListFilter, now: datetime, after: int | None, limit: int
) -> list[Assignment]:
    """One keyset page of the items visible to `actor`; ask for one more than you show."""
    query: Select[Assignment] = select(Assignment).where(visible_filter(actor))
    if where.mine:
        query = query.where(mine_clause(actor))
    if where.states:
        query = query.where(Assignment.state.in_(where.states))
    if where.late:
        query = query.where(late_clause(now))
    if where.owner_prefix is not None:
        query = query.where(in_subtree(Assignment.owner_path, where.owner_prefix))
    if where.escalated_to is not None:
        query = query.where(
            Assignment.watch_path == where.escalated_to,
            Assignment.state.in_(OPEN_STATES),
            Assignment.escalation_level > 0,
        )
    if after is not None:
        query = query.where(Assignment.id > after)
    return list(session.scalars(query.order_by(Assignment.id).limit(limit)))


def by_ids(session: Session, ids: Sequence[int]) -> dict[int, Assignment]:
    if not ids:
        return {}
    found = session.scalars(select(Assignment).where(Assignment.id.in_(ids)).with_for_update())
    return {a.id: a for a in found}


def notes_of(session: Session, assignment_id: int) -> list[AssignmentNote]:
    return list(
        session.scalars(
            select(AssignmentNote)
            .where(AssignmentNote.assignment_id == assignment_id)
            .order_by(AssignmentNote.id)
        )
    )


def evidence_of(session: Session, note_ids: Sequence[int]) -> dict[int, list[AssignmentEvidence]]:
    """Evidence rows (without their bytes, which are deferred) by note."""
    found: dict[int, list[AssignmentEvidence]] = defaultdict(list)
    if note_ids:
        rows = session.scalars(
            select(AssignmentEvidence)
            .where(AssignmentEvidence.note_id.in_(note_ids))
            .order_by(AssignmentEvidence.id)
        )
        for row in rows:
            found[row.note_id].append(row)
    return found


def evidence(session: Session, assignment_id: int, evidence_id: int) -> AssignmentEvidence | None:
    return session.scalar(
        select(AssignmentEvidence)
        .join(AssignmentNote, AssignmentNote.id == AssignmentEvidence.note_id)
        .where(AssignmentEvidence.id == evidence_id, AssignmentNote.assignment_id == assignment_id)
    )


def due_reminders(session: Session, now: datetime, after: int, limit: int) -> list[Assignment]:
    """Open items past their remind time, not yet reminded and not yet late."""
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.state.in_(OPEN_STATES),
                Assignment.remind_at <= now,
                Assignment.reminded_at.is_(None),
                Assignment.deadline > now,
                Assignment.id > after,
            )
            .order_by(Assignment.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL: two workers never take the same row
        )
    )


def due_escalations(session: Session, now: datetime, after: int, limit: int) -> list[Assignment]:
    """Open items whose escalation target may have changed by `now`."""
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.state.in_(OPEN_STATES),
                Assignment.next_escalation_at <= now,
                Assignment.id > after,
            )
            .order_by(Assignment.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def users_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def jurisdictions_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Jurisdiction]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {j.id: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(wanted)))}


def jurisdictions_by_paths(session: Session, paths: Iterable[str]) -> dict[str, Jurisdiction]:
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    return {j.path: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.path.in_(wanted)))}


# Board: counts per owner_path inside a subtree, rolled up to the subtree's children in Python.


def _count_by_path(session: Session, prefix: str, *conditions: ColumnElement[bool]) -> dict[str, int]:
    rows = session.execute(
        select(Assignment.owner_path, func.count())
        .where(in_subtree(Assignment.owner_path, prefix), *conditions)
        .group_by(Assignment.owner_path)
    )
    return {str(path): int(n) for path, n in rows}


def board_counts(session: Session, prefix: str, now: datetime, since: datetime) -> dict[str, dict[str, int]]:
    """Counts by owner_path: open, late, done (done since `since`), and over items due in
    [since, now): due (not cancelled), completed, on time. Each is one GROUP BY on an index."""
    in_window = (Assignment.deadline >= since) & (Assignment.deadline < now)
    done = Assignment.state == "done"
    return {
        "open": _count_by_path(session, prefix, Assignment.state.in_(OPEN_STATES)),
        "late": _count_by_path(session, prefix, late_clause(now)),
        "done": _count_by_path(session, prefix, done, Assignment.done_at >= since),
        "due": _count_by_path(session, prefix, in_window, Assignment.state != "cancelled"),
        "completed": _count_by_path(session, prefix, in_window, done),
        "on_time": _count_by_path(
            session, prefix, in_window, done, Assignment.done_at <= Assignment.deadline
        ),
    }


def roll_up(by_path: dict[str, int], prefix: str) -> dict[str, int]:
    """Sum counts per direct child of `prefix` (keyed by the child's path); the prefix keeps its own."""
    depth = len(path_ids(prefix))
    totals: dict[str, int] = defaultdict(int)
    for path, n in by_path.items():
        ids = path_ids(path)
        key = prefix if len(ids) <= depth else f"{prefix}{ids[depth]}/"
        totals[key] += n
    return dict(totals)


@dataclass
class BoardRow:
    """Counts for one jurisdiction's subtree (or, for `own`, for items owned by the board's own level)."""

    jurisdiction: Jurisdiction
    own: bool
    open: int = 0
    late: int = 0
    done: int = 0
    due: int = 0
    completed: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        """Share of the items due in the window that are done."""
        return self.completed / self.due if self.due else None


def board(session: Session, home: Jurisdiction, now: datetime, since: datetime) -> list[BoardRow]:
    """The first row is the jurisdiction's own items, then one row per child subtree, then the total."""
    rolled = {
        name: roll_up(by_path, home.path)
        for name, by_path in board_counts(session, home.path, now, since).items()
    }
    kids = list(
        session.scalars(
            select(Jurisdiction).where(Jurisdiction.parent_id == home.id).order_by(Jurisdiction.code)
        )
    )
    rows = [BoardRow(home, own=True)] + [BoardRow(kid, own=False) for kid in kids]
    total = BoardRow(home, own=False)
    for row in rows:
        for name, per_child in rolled.items():
            value = per_child.get(row.jurisdiction.path, 0)
            setattr(row, name, value)
            setattr(total, name, getattr(total, name) + value)
    return [*rows, total]


def people_in(session: Session, prefix: str, permission: str, limit: int = 300) -> list[User]:
    """Active staff of a subtree who hold `permission` (candidates to own an item)."""
    from lianfang.accounts.rules import PERMISSIONS

    roles = [role for role, granted in PERMISSIONS.items() if permission in granted]
    return list(
        session.scalars(
            select(User)
            .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
            .where(in_subtree(Jurisdiction.path, prefix), User.active.is_(True), User.role.in_(roles))
            .order_by(User.username)
            .limit(limit)
        )
    )
