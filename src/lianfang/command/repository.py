"""Queries for the command module. Lists page by id (keyset) on indexes that start with
jurisdiction_path (or the parent row's id); the organisation tables are small and read whole."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from lianfang.assignments.models import Assignment
from lianfang.command.models import (
    CommandBody,
    Directive,
    DirectiveTarget,
    DistrictLeader,
    Force,
    ForceMove,
    Incident,
    IncidentFollowup,
    Meeting,
    Mission,
    Responsibility,
)
from lianfang.core.access import Actor
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree

BODY_ORDER = {"leadership": 0, "office": 1, "group": 2, "member": 3}


def scoped(actor: Actor, column: object) -> ColumnElement[bool]:
    if actor.kind == "system":
        return true()
    return in_subtree(column, actor.scope_path or "~")


def bodies(session: Session, active_only: bool = False) -> list[CommandBody]:
    query = select(CommandBody)
    if active_only:
        query = query.where(CommandBody.active.is_(True))
    found = list(session.scalars(query))
    return sorted(found, key=lambda b: (BODY_ORDER.get(b.kind, 9), b.sort, b.id))


def districts(session: Session, actor: Actor) -> list[Jurisdiction]:
    """The district-level jurisdictions the actor covers (its own district for district staff)."""
    query = select(Jurisdiction).where(Jurisdiction.level == "district", scoped(actor, Jurisdiction.path))
    found = list(session.scalars(query.order_by(Jurisdiction.code)))
    if not found and actor.jurisdiction_id is not None:  # a district actor whose home has another level
        home = session.get(Jurisdiction, actor.jurisdiction_id)
        found = [home] if home is not None else []
    return found


def leaders(session: Session) -> dict[int, DistrictLeader]:
    return {row.jurisdiction_id: row for row in session.scalars(select(DistrictLeader))}


def leader_districts(session: Session, user_id: int) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction)
            .join(DistrictLeader, DistrictLeader.jurisdiction_id == Jurisdiction.id)
            .where(DistrictLeader.user_id == user_id)
            .order_by(Jurisdiction.code)
        )
    )


def leader_of_path(session: Session, district_path: str) -> DistrictLeader | None:
    return session.scalar(
        select(DistrictLeader)
        .join(Jurisdiction, Jurisdiction.id == DistrictLeader.jurisdiction_id)
        .where(Jurisdiction.path == district_path)
    )


def responsibility(session: Session, subject_type: str, subject_id: int) -> Responsibility | None:
    return session.scalar(
        select(Responsibility).where(
            Responsibility.subject_type == subject_type, Responsibility.subject_id == subject_id
        )
    )


def meetings_page(session: Session, before: int | None, limit: int) -> list[Meeting]:
    """Newest first."""
    query = select(Meeting)
    if before is not None:
        query = query.where(Meeting.id < before)
    return list(session.scalars(query.order_by(Meeting.id.desc()).limit(limit)))


def directives_of(
    session: Session, meeting_id: int | None = None, mission_id: int | None = None
) -> list[Directive]:
    query = select(Directive)
    query = (
        query.where(Directive.meeting_id == meeting_id)
        if meeting_id
        else query.where(Directive.mission_id == mission_id)
    )
    return list(session.scalars(query.order_by(Directive.id).limit(500)))


def directives_page(session: Session, actor: Actor, before: int | None, limit: int) -> list[Directive]:
    query = select(Directive).where(scoped(actor, Directive.issuer_path))
    if before is not None:
        query = query.where(Directive.id < before)
    return list(session.scalars(query.order_by(Directive.id.desc()).limit(limit)))


def targets_of(
    session: Session, directive_ids: Iterable[int]
) -> dict[int, list[tuple[DirectiveTarget, Assignment]]]:
    wanted = sorted(set(directive_ids))
    found: dict[int, list[tuple[DirectiveTarget, Assignment]]] = defaultdict(list)
    if wanted:
        rows = session.execute(
            select(DirectiveTarget, Assignment)
            .join(Assignment, Assignment.id == DirectiveTarget.assignment_id)
            .where(DirectiveTarget.directive_id.in_(wanted))
            .order_by(DirectiveTarget.id)
        )
        for target, item in rows:
            found[target.directive_id].append((target, item))
    return found


def missions_page(session: Session, actor: Actor, before: int | None, limit: int) -> list[Mission]:
    query = select(Mission).where(scoped(actor, Mission.jurisdiction_path))
    if before is not None:
        query = query.where(Mission.id < before)
    return list(session.scalars(query.order_by(Mission.id.desc()).limit(limit)))


def incidents_page(
    session: Session, actor: Actor, state: str | None, before: int | None, limit: int
) -> list[Incident]:
    """Newest first; the office's board shows the open ones at once."""
    query = select(Incident).where(scoped(actor, Incident.jurisdiction_path))
    if state:
        query = query.where(Incident.state == state)
    if before is not None:
        query = query.where(Incident.id < before)
    return list(session.scalars(query.order_by(Incident.id.desc()).limit(limit)))


def followups_of(session: Session, incident_id: int) -> list[IncidentFollowup]:
    return list(
        session.scalars(
            select(IncidentFollowup)
            .where(IncidentFollowup.incident_id == incident_id)
            .order_by(IncidentFollowup.id)
        )
    )


def forces_page(
    session: Session, actor: Actor, kind: str | None, prefix: str | None, after: int | None, limit: int
) -> list[Force]:
    query = select(Force).where(scoped(actor, Force.jurisdiction_path))
    if prefix:
        query = query.where(in_subtree(Force.jurisdiction_path, prefix))
    if kind:
        query = query.where(Force.kind == kind)
    if after is not None:
        query = query.where(Force.id > after)
    return list(session.scalars(query.order_by(Force.id).limit(limit)))


def force_totals(session: Session, actor: Actor) -> dict[tuple[str, str], tuple[int, int]]:
    """(jurisdiction_path, kind) -> (teams, people) for the teams the actor covers."""
    rows = session.execute(
        select(Force.jurisdiction_path, Force.kind, func.count(), func.sum(Force.size))
        .where(scoped(actor, Force.jurisdiction_path))
        .group_by(Force.jurisdiction_path, Force.kind)
    )
    return {(str(p), str(k)): (int(n), int(s or 0)) for p, k, n, s in rows}


def moves_of(session: Session, force_id: int) -> list[ForceMove]:
    return list(
        session.scalars(select(ForceMove).where(ForceMove.force_id == force_id).order_by(ForceMove.id))
    )


def jurisdictions_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, Jurisdiction]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {j.id: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(wanted)))}
