"""Queries for enforcement. Lists page by keyset (id > after) on indexes starting with jurisdiction_path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from lianfang.enforcement.models import (
    Attachment,
    ClosureOrder,
    Finding,
    Inspection,
    RegisteredEvent,
    Revision,
    UnitInfection,
    Violation,
)
from lianfang.enforcement.rules import OPEN_FINDING_STATES
from lianfang.jurisdictions.repository import in_subtree
from lianfang.venues.models import Venue


def findings_of(session: Session, inspection_id: int) -> list[Finding]:
    return list(
        session.scalars(select(Finding).where(Finding.inspection_id == inspection_id).order_by(Finding.id))
    )


def attachments_of(session: Session, subject_type: str, subject_id: int) -> list[Attachment]:
    stmt = select(Attachment).where(
        Attachment.subject_type == subject_type, Attachment.subject_id == subject_id
    )
    return list(session.scalars(stmt.order_by(Attachment.id)))


def attachment_by_hash(
    session: Session, subject_type: str, subject_id: int, digest: str
) -> Attachment | None:
    stmt = select(Attachment).where(
        Attachment.subject_type == subject_type,
        Attachment.subject_id == subject_id,
        Attachment.sha256 == digest,
    )
    return session.scalar(stmt)


def inspections_page(
    session: Session,
    scope: ColumnElement[bool],
    state: str,
    unit_id: int | None,
    after: int | None,
    limit: int,
) -> list[Inspection]:
    stmt = select(Inspection).where(scope)
    if state:
        stmt = stmt.where(Inspection.state == state)
    if unit_id is not None:
        stmt = stmt.where(Inspection.unit_id == unit_id)
    if after is not None:
        stmt = stmt.where(Inspection.id > after)
    return list(session.scalars(stmt.order_by(Inspection.id).limit(limit)))


def open_findings_page(
    session: Session, scope: ColumnElement[bool], overdue_at: datetime | None, after: int | None, limit: int
) -> list[Finding]:
    stmt = select(Finding).where(scope, Finding.state.in_(OPEN_FINDING_STATES))
    if overdue_at is not None:
        stmt = stmt.where(Finding.deadline <= overdue_at)
    if after is not None:
        stmt = stmt.where(Finding.id > after)
    return list(session.scalars(stmt.order_by(Finding.id).limit(limit)))


def violations_page(
    session: Session,
    scope: ColumnElement[bool],
    state: str,
    unit_id: int | None,
    after: int | None,
    limit: int,
) -> list[Violation]:
    stmt = select(Violation).where(scope)
    if state:
        stmt = stmt.where(Violation.state == state)
    if unit_id is not None:
        stmt = stmt.where(Violation.unit_id == unit_id)
    if after is not None:
        stmt = stmt.where(Violation.id > after)
    return list(session.scalars(stmt.order_by(Violation.id).limit(limit)))


def events_page(
    session: Session, scope: ColumnElement[bool], decision: str, after: int | None, limit: int
) -> list[RegisteredEvent]:
    stmt = select(RegisteredEvent).where(scope)
    if decision:
        stmt = stmt.where(RegisteredEvent.decision == decision)
    if after is not None:
        stmt = stmt.where(RegisteredEvent.id > after)
    return list(session.scalars(stmt.order_by(RegisteredEvent.id).limit(limit)))


def active_order(session: Session, kind: str, path: str) -> ClosureOrder | None:
    """An unlifted closure order for venues of `kind` whose jurisdiction contains `path`."""
    stmt = select(ClosureOrder).where(ClosureOrder.venue_kind == kind, ClosureOrder.lifted_at.is_(None))
    for order in session.scalars(stmt.order_by(ClosureOrder.id)):
        if path.startswith(order.jurisdiction_path):
            return order
    return None


def active_orders(session: Session) -> list[ClosureOrder]:
    return list(
        session.scalars(
            select(ClosureOrder).where(ClosureOrder.lifted_at.is_(None)).order_by(ClosureOrder.id)
        )
    )


def orders_page(
    session: Session, scope: ColumnElement[bool], after: int | None, limit: int
) -> list[ClosureOrder]:
    stmt = select(ClosureOrder).where(scope)
    if after is not None:
        stmt = stmt.where(ClosureOrder.id > after)
    return list(session.scalars(stmt.order_by(ClosureOrder.id).limit(limit)))


def open_venues_of_kind(
    session: Session, kind: str, path: str, scope: ColumnElement[bool], limit: int
) -> list[Venue]:
    stmt = select(Venue).where(
        scope, in_subtree(Venue.jurisdiction_path, path), Venue.kind == kind, Venue.status == "open"
    )
    return list(session.scalars(stmt.order_by(Venue.id).limit(limit)))


def unit_counts(session: Session, unit_id: int, now: datetime) -> tuple[int, int, int, int]:
    """(infections, inspections, overdue findings, violations) of a unit."""
    infections = session.scalar(select(func.count()).where(UnitInfection.unit_id == unit_id)) or 0
    inspections = session.scalar(select(func.count()).where(Inspection.unit_id == unit_id)) or 0
    overdue = (
        session.scalar(
            select(func.count()).where(
                Finding.unit_id == unit_id, Finding.state.in_(OPEN_FINDING_STATES), Finding.deadline <= now
            )
        )
        or 0
    )
    violations = (
        session.scalar(
            select(func.count()).where(
                Violation.unit_id == unit_id,
                (Violation.disposition.is_(None)) | (Violation.disposition != "no_action"),
            )
        )
        or 0
    )
    return infections, inspections, overdue, violations


def unit_inspections(session: Session, unit_id: int, limit: int = 50) -> list[Inspection]:
    stmt = select(Inspection).where(Inspection.unit_id == unit_id).order_by(Inspection.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def unit_findings(session: Session, unit_id: int, limit: int = 100) -> list[Finding]:
    stmt = select(Finding).where(Finding.unit_id == unit_id).order_by(Finding.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def unit_violations(session: Session, unit_id: int, limit: int = 50) -> list[Violation]:
    stmt = select(Violation).where(Violation.unit_id == unit_id).order_by(Violation.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def unit_infections(session: Session, unit_id: int) -> list[UnitInfection]:
    stmt = select(UnitInfection).where(UnitInfection.unit_id == unit_id).order_by(UnitInfection.id)
    return list(session.scalars(stmt))


def revisions(session: Session, subject_type: str, subject_id: int) -> list[Revision]:
    stmt = select(Revision).where(Revision.subject_type == subject_type, Revision.subject_id == subject_id)
    return list(session.scalars(stmt.order_by(Revision.id)))
