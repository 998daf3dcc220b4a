"""Queries for control lists: orders by community with filters (kind, status, team, missed, due
releases), zones and proposals in scope. Keyset by id; every filter starts on an index that begins with
jurisdiction_path (ix_control_orders_jurisdiction_path_status_id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from lianfang.control.models import ControlOrder, ControlProposal, ControlZone, HealthReport
from lianfang.jurisdictions.models import Jurisdiction


@dataclass(frozen=True)
class OrderFilter:
    community_id: int | None = None
    status: str = "active"
    kind: str = ""
    person_class: str = ""
    team: str = ""
    view: str = ""  # "" | release_due | missed (no report today)


def order_query(session: Session, scope: ColumnElement[bool], f: OrderFilter, day: date) -> Select[Any]:
    query = select(ControlOrder).where(scope)
    if f.community_id is not None:
        place = session.get(Jurisdiction, f.community_id)
        query = query.where(ControlOrder.jurisdiction_path.startswith(place.path if place else "/none/"))
    if f.status:
        query = query.where(ControlOrder.status == f.status)
    if f.kind:
        query = query.where(ControlOrder.kind == f.kind)
    if f.person_class:
        query = query.where(ControlOrder.person_class == f.person_class)
    if f.team:
        query = query.where(ControlOrder.team == f.team)
    if f.view == "release_due":
        query = query.where(ControlOrder.ends_on <= day)
    elif f.view == "missed":
        reported = select(HealthReport.order_id).where(HealthReport.reported_on == day)
        query = query.where(ControlOrder.id.not_in(reported))
    return query


def page(session: Session, query: Select[Any], after: int | None, size: int) -> list[ControlOrder]:
    if after:
        query = query.where(ControlOrder.id > after)
    return list(session.scalars(query.order_by(ControlOrder.id).limit(size + 1)))


def zones(
    session: Session, scope: ColumnElement[bool], status: str, after: int | None, size: int
) -> list[ControlZone]:
    query = select(ControlZone).where(scope)
    if status:
        query = query.where(ControlZone.status == status)
    if after:
        query = query.where(ControlZone.id > after)
    return list(session.scalars(query.order_by(ControlZone.id).limit(size + 1)))


def proposals(
    session: Session, scope: ColumnElement[bool], status: str, after: int | None, size: int
) -> list[ControlProposal]:
    query = select(ControlProposal).where(scope)
    if status:
        query = query.where(ControlProposal.status == status)
    if after:
        query = query.where(ControlProposal.id > after)
    return list(session.scalars(query.order_by(ControlProposal.id).limit(size + 1)))


def reports_of(session: Session, order_id: int) -> list[HealthReport]:
    return list(
        session.scalars(
            select(HealthReport)
            .where(HealthReport.order_id == order_id)
            .order_by(HealthReport.id.desc())
            .limit(60)
        )
    )
