"""Scoped fetches for the control module: a row outside the actor's scope is NotFound."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from lianfang.control.models import ControlOrder, ControlProposal, ControlZone, IsolationSite
from lianfang.core.access import Actor, access_scoped
from lianfang.jurisdictions.access import subtree_filter

READ, WRITE, DECIDE = "control.read", "control.write", "control.decide"


def orders_filter(actor: Actor) -> ColumnElement[bool]:
    return subtree_filter(actor, ControlOrder.jurisdiction_path)


def access_order(session: Session, actor: Actor, order_id: int) -> ControlOrder:
    return access_scoped(session, actor, ControlOrder, order_id, "管控令", "control order")


def access_zone(session: Session, actor: Actor, zone_id: int) -> ControlZone:
    return access_scoped(session, actor, ControlZone, zone_id, "管控区域", "zone")


def access_proposal(session: Session, actor: Actor, proposal_id: int) -> ControlProposal:
    return access_scoped(session, actor, ControlProposal, proposal_id, "管控建议", "proposal")


def access_site(session: Session, actor: Actor, site_id: int) -> IsolationSite:
    return access_scoped(session, actor, IsolationSite, site_id, "隔离点", "isolation site")
