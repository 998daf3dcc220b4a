"""Jurisdiction-scoped fetches of tracing records. A case belongs to its person's residence community;
an actor reaches the cases in its subtree, and the contacts through their case. Outside: NotFound."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.core.access import Actor, access_scoped
from lianfang.core.errors import NotFound
from lianfang.tracing.models import TracingCase, TracingCluster, TracingContact

READ, WRITE = "tracing.read", "tracing.write"


def access_case(session: Session, actor: Actor, case_id: int, for_update: bool = False) -> TracingCase:
    return access_scoped(session, actor, TracingCase, case_id, "病例", "case", for_update)


def access_cluster(session: Session, actor: Actor, cluster_id: int) -> TracingCluster:
    return access_scoped(session, actor, TracingCluster, cluster_id, "聚集性疫情", "cluster")


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
