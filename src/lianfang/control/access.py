"""Scoped fetches for the control module: a row outside the actor's scope is NotFound."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from lianfang.control.models import ControlOrder, ControlProposal, ControlZone, IsolationSite
from lianfang.core.access import Actor
from lianfang.core.errors import NotFound
from lianfang.jurisdictions.access import subtree_filter

READ, WRITE, DECIDE = "control.read", "control.write", "control.decide"


def orders_filter(actor: Actor) -> ColumnElement[bool]:
    return subtree_filter(actor, ControlOrder.jurisdiction_path)


def access_order(session: Session, actor: Actor, order_id: int) -> ControlOrder:
    item = session.get(ControlOrder, order_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("管控令", "control order")
    return item


def access_zone(session: Session, actor: Actor, zone_id: int) -> ControlZone:
    item = session.get(ControlZone, zone_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("管控区域", "zone")
    return item


def access_proposal(session: Session, actor: Actor, proposal_id: int) -> ControlProposal:
    item = session.get(ControlProposal, proposal_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("管控建议", "proposal")
    return item


def access_site(session: Session, actor: Actor, site_id: int) -> IsolationSite:
    item = session.get(IsolationSite, site_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("隔离点", "isolation site")
    return item
