"""Queries over venues. Lists page by keyset (id > after)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from lianfang.jurisdictions.models import Jurisdiction
from lianfang.venues.models import Venue

CHUNK = 900  # stays under SQLite's bound-parameter limit


@dataclass(frozen=True)
class VenueQuery:
    text: str = ""
    kind: str = ""
    status: str = ""
    community_path: str = ""


def venue_query(session: Session, q: str, kind: str, status: str, community_id: int | None) -> VenueQuery:
    """Filters from request parameters; an unknown community matches nothing."""
    community = session.get(Jurisdiction, community_id) if community_id else None
    path = community.path if community else ("/none/" if community_id else "")
    return VenueQuery(text=q.strip(), kind=kind.strip(), status=status.strip(), community_path=path)


def search(
    session: Session, scope: ColumnElement[bool], query: VenueQuery, after: int | None, limit: int
) -> list[Venue]:
    stmt = select(Venue).where(scope)
    if query.community_path:
        stmt = stmt.where(Venue.jurisdiction_path == query.community_path)
    if query.kind:
        stmt = stmt.where(Venue.kind == query.kind)
    if query.status:
        stmt = stmt.where(Venue.status == query.status)
    if query.text:
        text = query.text
        stmt = stmt.where(Venue.name.startswith(text, autoescape=True) | (Venue.code == text.upper()))
    if after is not None:
        stmt = stmt.where(Venue.id > after)
    return list(session.scalars(stmt.order_by(Venue.id).limit(limit)))


def by_ids(session: Session, scope: ColumnElement[bool], ids: Sequence[int]) -> list[Venue]:
    found: list[Venue] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found.extend(session.scalars(select(Venue).where(scope, Venue.id.in_(chunk)).order_by(Venue.id)))
    return found


def code_taken(session: Session, code: str) -> bool:
    return session.scalar(select(Venue.id).where(Venue.code == code)) is not None


def same_place(session: Session, community_path: str, name: str, address: str) -> Venue | None:
    """The venue registered under this name and address in this community (the import's identity)."""
    return session.scalar(
        select(Venue)
        .where(Venue.jurisdiction_path == community_path, Venue.name == name, Venue.address == address)
        .order_by(Venue.id)
        .limit(1)
    )


def by_places(session: Session, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], Venue]:
    """Venues by (community path, name, address), looked up per community path in chunks of names."""
    names_by_path: dict[str, set[str]] = {}
    for path, name, _ in keys:
        names_by_path.setdefault(path, set()).add(name)
    found: dict[tuple[str, str, str], Venue] = {}
    for path, names in names_by_path.items():
        ordered = sorted(names)
        for start in range(0, len(ordered), CHUNK):
            stmt = select(Venue).where(
                Venue.jurisdiction_path == path, Venue.name.in_(ordered[start : start + CHUNK])
            )
            for venue in session.scalars(stmt.order_by(Venue.id)):
                found.setdefault((venue.jurisdiction_path, venue.name, venue.address), venue)
    return found
