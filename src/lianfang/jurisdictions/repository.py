"""Queries over the jurisdiction tree."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from lianfang.jurisdictions.models import Jurisdiction


def by_code(session: Session, code: str) -> Jurisdiction | None:
    return session.scalar(select(Jurisdiction).where(Jurisdiction.code == code))


def by_codes(session: Session, codes: Sequence[str]) -> dict[str, Jurisdiction]:
    found: dict[str, Jurisdiction] = {}
    unique = list(dict.fromkeys(codes))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        for item in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(chunk))):
            found[item.code] = item
    return found


def in_subtree(path_column: ColumnElement[str] | object, prefix: str) -> ColumnElement[bool]:
    # Paths hold only digits and slashes, so "prefix ≤ path < prefix + '~'" is the subtree and uses a
    # plain btree index on both SQLite and PostgreSQL (LIKE 'x%' would need a pattern-ops index).
    column: ColumnElement[str] = path_column  # type: ignore[assignment]
    return (column >= prefix) & (column < prefix + "~")


def children(session: Session, parent_id: int | None) -> list[Jurisdiction]:
    query = select(Jurisdiction).where(
        Jurisdiction.parent_id.is_(None) if parent_id is None else Jurisdiction.parent_id == parent_id
    )
    return list(session.scalars(query.order_by(Jurisdiction.code)))


def child_counts(session: Session, parent_ids: Sequence[int]) -> dict[int, int]:
    if not parent_ids:
        return {}
    rows = session.execute(
        select(Jurisdiction.parent_id, func.count())
        .where(Jurisdiction.parent_id.in_(parent_ids))
        .group_by(Jurisdiction.parent_id)
    )
    return {int(pid): int(n) for pid, n in rows if pid is not None}


def ancestors(session: Session, item: Jurisdiction) -> list[Jurisdiction]:
    ids = [int(x) for x in item.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    found = {j.id: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def search(session: Session, prefix: str, text: str, level: str | None, limit: int) -> list[Jurisdiction]:
    query = select(Jurisdiction).where(in_subtree(Jurisdiction.path, prefix))
    if text:
        query = query.where(Jurisdiction.name.contains(text) | Jurisdiction.code.startswith(text))
    if level:
        query = query.where(Jurisdiction.level == level)
    return list(session.scalars(query.order_by(Jurisdiction.path).limit(limit)))


def roots(session: Session) -> list[Jurisdiction]:
    return children(session, None)
