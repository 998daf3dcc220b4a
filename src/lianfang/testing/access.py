"""Scoped fetches for testing: what is outside the actor's jurisdiction is `NotFound`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.errors import NotFound
from lianfang.testing.models import Lab, SamplingSite, SamplingTeam, Shipment, TestingRound, Tube

READ = "testing.read"
ORDER = "testing.order"
SAMPLE = "testing.sample"
RESULTS = "testing.results"


def sees_round(actor: Actor, item: TestingRound) -> bool:
    """The round's area is in the actor's scope, or the actor's home lies inside the round's area."""
    if actor.covers(item.area_path):
        return True
    return actor.scope_path is not None and actor.scope_path.startswith(item.area_path)


def access_round(session: Session, actor: Actor, round_id: int, manage: bool = False) -> TestingRound:
    item = session.get(TestingRound, round_id)
    if item is None or not (actor.covers(item.area_path) if manage else sees_round(actor, item)):
        raise NotFound("检测轮次", "testing round")
    return item


def access_site(session: Session, actor: Actor, site_id: int) -> SamplingSite:
    item = session.get(SamplingSite, site_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("采样点", "sampling site")
    return item


def access_team(session: Session, actor: Actor, team_id: int) -> SamplingTeam:
    item = session.get(SamplingTeam, team_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("采样队", "sampling team")
    return item


def access_lab(session: Session, actor: Actor, lab_id: int) -> Lab:
    item = session.get(Lab, lab_id)
    if item is None or not actor.covers(item.jurisdiction_path):
        raise NotFound("检测机构", "laboratory")
    return item


def access_tube(session: Session, actor: Actor, barcode: str, lock: bool = False) -> Tube:
    """A tube by barcode, reached through its site's jurisdiction (or its lab's, for lab staff)."""
    stmt = select(Tube).where(Tube.barcode == barcode.strip())
    if lock:
        stmt = stmt.with_for_update()
    item = session.scalar(stmt)
    if item is None:
        raise NotFound("采样管", "tube")
    if actor.covers(item.jurisdiction_path):
        return item
    lab = session.get(Lab, item.lab_id) if item.lab_id is not None else None
    if lab is not None and actor.covers(lab.jurisdiction_path):
        return item
    raise NotFound("采样管", "tube")


def access_shipment(session: Session, actor: Actor, shipment_id: int) -> Shipment:
    item = session.get(Shipment, shipment_id)
    if item is None:
        raise NotFound("转运批次", "shipment")
    lab = session.get(Lab, item.lab_id)
    if actor.covers(item.jurisdiction_path) or (lab is not None and actor.covers(lab.jurisdiction_path)):
        return item
    raise NotFound("转运批次", "shipment")
