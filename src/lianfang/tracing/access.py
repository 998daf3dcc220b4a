"""Jurisdiction-scoped fetches of tracing records. A case belongs to its person's residence community;
an actor reaches the cases in its subtree, and the contacts through their case. Outside: NotFound."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.errors import NotFound
from lianfang.tracing.models import TracingCase, TracingCluster, TracingContact

READ, WRITE = "tracing.read", "tracing.write"


def access_case(session: Session, actor: Actor, case_id: int, for_update: bool = False) -> TracingCase:
    stmt = select(TracingCase).where(TracingCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    case = session.scalar(stmt)
    if case is None or not actor.covers(case.jurisdiction_path):
        raise NotFound("病例", "case")
    return case


def access_cluster(session: Session, actor: Actor, cluster_id: int) -> TracingCluster:
    cluster = session.get(TracingCluster, cluster_id)
    if cluster is None or not actor.covers(cluster.jurisdiction_path):
        raise NotFound("聚集性疫情", "cluster")
    return cluster


def access_contacts(session: Session, actor: Actor, contact_ids: Sequence[int]) -> list[TracingContact]:
    """The contacts named, each through its case's scope; any one out of reach is NotFound."""
    wanted = sorted(set(contact_ids))
    if not wanted:
        return []
    rows = session.execute(
        select(TracingContact, TracingCase.jurisdiction_path)
        .join(TracingCase, TracingCase.id == TracingContact.case_id)
        .where(TracingContact.id.in_(wanted))
        .order_by(TracingContact.id)
        .with_for_update(of=TracingContact)
    ).all()
    found = [contact for contact, path in rows if actor.covers(path)]
    if len(found) != len(wanted):
        raise NotFound("密接记录", "contact")
    return found
