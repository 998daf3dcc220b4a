"""Jurisdiction-scoped fetches: an actor reaches only its own subtree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.errors import NotFound
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree


def subtree_filter(actor: Actor, path_column: object) -> ColumnElement[bool]:
    """A WHERE clause limiting rows (by their jurisdiction path column) to the actor's scope."""
    if actor.kind == "system":
        return true()
    if actor.scope_path is None:
        return false()
    return in_subtree(path_column, actor.scope_path)


def access_jurisdiction(session: Session, actor: Actor, jurisdiction_id: int) -> Jurisdiction:
    item = session.get(Jurisdiction, jurisdiction_id)
    if item is None or not actor.covers(item.path):
        raise NotFound("辖区", "jurisdiction")
    return item
