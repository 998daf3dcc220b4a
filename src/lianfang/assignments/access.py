"""Who sees an assignment and on which side of it an actor stands.

Visible to (a) its owner user, (b) staff whose scope covers owner_path (the owner jurisdiction and every
supervisor up the tree), (c) staff whose scope covers watch_path (where escalation put it), (d) the
issuer. Anything else is reported as not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from lianfang.accounts.models import User
from lianfang.accounts.rules import permissions_for
from lianfang.assignments import repository
from lianfang.assignments.models import Assignment, AssignmentEvidence, AssignmentNote
from lianfang.assignments.rules import BOARD_DAYS, Side, allowed_verbs, is_open
from lianfang.core.access import Actor
from lianfang.core.errors import NotFound, Problem
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction


def can_see(actor: Actor, item: Assignment) -> bool:
    if actor.kind == "system":
        return True
    mine = actor.user_id is not None and actor.user_id in (item.owner_user_id, item.issued_by_user_id)
    return mine or actor.covers(item.owner_path) or actor.covers(item.watch_path)


def access_assignment(
    session: Session, actor: Actor, assignment_id: int, for_update: bool = False
) -> Assignment:
    """The item if `actor` may see it, else NotFound; `for_update` locks the row for a write."""
    item = session.get(Assignment, assignment_id, with_for_update=for_update or None)
    if item is None or not can_see(actor, item):
        raise NotFound("督办事项", "assignment")
    return item


def is_owner(actor: Actor, item: Assignment) -> bool:
    """The owner user, or, when no person owns it, the staff of the owner jurisdiction itself."""
    if actor.kind == "system":
        return True
    if not actor.can("assignments.work") or actor.user_id is None:
        return False
    if item.owner_user_id is not None:
        return item.owner_user_id == actor.user_id
    return actor.jurisdiction_id == item.owner_jurisdiction_id


def is_issuer(actor: Actor, item: Assignment) -> bool:
    """The issuer and the issuing jurisdiction's staff (and those above it) who may issue."""
    if actor.kind == "system":
        return True
    if not actor.can("assignments.issue"):
        return False
    return (actor.user_id is not None and actor.user_id == item.issued_by_user_id) or actor.covers(
        item.issuer_path
    )


def sides_of(actor: Actor, item: Assignment) -> frozenset[Side]:
    sides: set[Side] = set()
    if is_owner(actor, item):
        sides.add("owner")
    if is_issuer(actor, item):
        sides.add("issuer")
    return frozenset(sides)


def can_reassign(actor: Actor, item: Assignment) -> bool:
    """Open items go to another person by the owner side, the issuer side, the owner jurisdiction's own
    staff, or a supervisor (assignments.issue) whose scope covers the owner."""
    if not is_open(item.state):
        return False
    if sides_of(actor, item):
        return True
    team = actor.can("assignments.work") and actor.jurisdiction_id == item.owner_jurisdiction_id
    return team or (actor.can("assignments.issue") and actor.covers(item.owner_path))


def can_note(actor: Actor, item: Assignment) -> bool:
    """Anyone who sees the item and works on assignments may add a note, until it is cancelled."""
    return item.state != "cancelled" and (actor.kind == "system" or actor.can("assignments.work"))


def owner_user_problem(session: Session, owner: Jurisdiction, user_id: int) -> Problem | None:
    """Why `user_id` cannot own an item of `owner` (not an active worker in its subtree), or None."""
    user = session.get(User, user_id)
    home = session.get(Jurisdiction, user.jurisdiction_id) if user is not None else None
    if (
        user is None
        or home is None
        or not user.active
        or not home.path.startswith(owner.path)
        or "assignments.work" not in permissions_for(user.role)
    ):
        return Problem(
            "owner_user_id",
            "该人员不在责任辖区内，或不能办理督办事项",
            "that person is not in the owner jurisdiction or cannot work on assignments",
        )
    return None


@dataclass
class Detail:
    item: Assignment
    notes: list[AssignmentNote]
    evidence: dict[int, list[AssignmentEvidence]]
    actions: list[str]  # transition verbs, then "note" and "reassign" when allowed
    owner: Jurisdiction | None
    owner_user: User | None
    watcher: Jurisdiction | None


def detail_view(session: Session, actor: Actor, assignment_id: int) -> Detail:
    item = access_assignment(session, actor, assignment_id)
    notes = repository.notes_of(session, item.id)
    actions = allowed_verbs(item.state, sides_of(actor, item))
    if can_note(actor, item):
        actions.append("note")
    if can_reassign(actor, item):
        actions.append("reassign")
    owner_user = session.get(User, item.owner_user_id) if item.owner_user_id is not None else None
    by_path = repository.jurisdictions_by_paths(session, [item.watch_path])
    return Detail(
        item=item,
        notes=notes,
        evidence=repository.evidence_of(session, [n.id for n in notes]),
        actions=actions,
        owner=session.get(Jurisdiction, item.owner_jurisdiction_id),
        owner_user=owner_user,
        watcher=by_path.get(item.watch_path),
    )


@dataclass
class BoardView:
    jurisdiction: Jurisdiction
    trail: list[Jurisdiction]
    rows: list[repository.BoardRow]
    escalated: list[Assignment]
    next_after: int | None
    since: datetime


def board_view(
    session: Session, actor: Actor, jurisdiction_id: int | None, now: datetime, after: int | None, size: int
) -> BoardView:
    """Counts per child for a jurisdiction in scope (the actor's home by default) over the last
    BOARD_DAYS, and the open items escalated to that jurisdiction."""
    home_id = jurisdiction_id if jurisdiction_id is not None else actor.jurisdiction_id
    if home_id is None:
        raise NotFound("辖区", "jurisdiction")
    home = access_jurisdiction(session, actor, home_id)
    since = now - timedelta(days=BOARD_DAYS)
    where = repository.ListFilter(escalated_to=home.path)
    escalated = repository.page(session, actor, where, now, after, size + 1)
    trail = [a for a in jurisdictions_repository.ancestors(session, home) if actor.covers(a.path)]
    return BoardView(
        jurisdiction=home,
        trail=trail,
        rows=repository.board(session, home, now, since),
        escalated=escalated[:size],
        next_after=escalated[size - 1].id if len(escalated) > size else None,
        since=since,
    )
