"""Queries over units, their staff memberships and their officers. Lists page by keyset (id > after)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from lianfang.accounts.models import User
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.units.models import Unit, UnitMembership, UnitOfficer

CHUNK = 900  # stays under SQLite's bound-parameter limit


@dataclass(frozen=True)
class UnitQuery:
    text: str = ""
    kind: str = ""
    community_path: str = ""
    active: bool | None = None


@dataclass(frozen=True)
class StaffRow:
    membership: UnitMembership
    person: Person
    via: Unit | None


@dataclass(frozen=True)
class PlacementRow:
    membership: UnitMembership
    person: Person
    unit: Unit


def unit_query(session: Session, q: str, kind: str, community_id: int | None) -> UnitQuery:
    """Filters from request parameters; an unknown community matches nothing."""
    community = session.get(Jurisdiction, community_id) if community_id else None
    path = community.path if community else ("/none/" if community_id else "")
    return UnitQuery(text=q.strip(), kind=kind.strip(), community_path=path)


def by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def by_codes(session: Session, codes: Sequence[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    unique = [c for c in dict.fromkeys(codes) if c]
    for start in range(0, len(unique), CHUNK):
        for unit in session.scalars(select(Unit).where(Unit.code.in_(unique[start : start + CHUNK]))):
            found[unit.code] = unit
    return found


def by_ids(session: Session, ids: Sequence[int]) -> dict[int, Unit]:
    found: dict[int, Unit] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        for unit in session.scalars(select(Unit).where(Unit.id.in_(unique[start : start + CHUNK]))):
            found[unit.id] = unit
    return found


def search(
    session: Session, scope: ColumnElement[bool], query: UnitQuery, after: int | None, limit: int
) -> list[Unit]:
    """Units in `scope` matching the filters, by id; `limit` is n+1 so the caller can tell a next page."""
    stmt = select(Unit).where(scope)
    if query.community_path:
        stmt = stmt.where(Unit.jurisdiction_path == query.community_path)
    if query.kind:
        stmt = stmt.where(Unit.kind == query.kind)
    if query.text:
        stmt = stmt.where(
            Unit.name.startswith(query.text, autoescape=True) | (Unit.code == query.text.upper())
        )
    if query.active is not None:
        stmt = stmt.where(Unit.active.is_(query.active))
    if after is not None:
        stmt = stmt.where(Unit.id > after)
    return list(session.scalars(stmt.order_by(Unit.id).limit(limit)))


def membership(session: Session, unit_id: int, person_id: int) -> UnitMembership | None:
    return session.scalar(
        select(UnitMembership).where(UnitMembership.unit_id == unit_id, UnitMembership.person_id == person_id)
    )


def memberships_for(
    session: Session, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], UnitMembership]:
    """Existing memberships for (unit_id, person_id) pairs, looked up per unit in chunks."""
    by_unit: dict[int, list[int]] = {}
    for unit_id, person_id in pairs:
        by_unit.setdefault(unit_id, []).append(person_id)
    found: dict[tuple[int, int], UnitMembership] = {}
    for unit_id, people in by_unit.items():
        unique = list(dict.fromkeys(people))
        for start in range(0, len(unique), CHUNK):
            stmt = select(UnitMembership).where(
                UnitMembership.unit_id == unit_id,
                UnitMembership.person_id.in_(unique[start : start + CHUNK]),
            )
            for item in session.scalars(stmt):
                found[(item.unit_id, item.person_id)] = item
    return found


def staff_page(
    session: Session, unit_id: int, after: int | None, limit: int, include_ended: bool = False
) -> list[StaffRow]:
    via = aliased(Unit)
    stmt = (
        select(UnitMembership, Person, via)
        .join(Person, Person.id == UnitMembership.person_id)
        .outerjoin(via, via.id == UnitMembership.via_unit_id)
        .where(UnitMembership.unit_id == unit_id)
    )
    if not include_ended:
        stmt = stmt.where(UnitMembership.end_date.is_(None))
    if after is not None:
        stmt = stmt.where(UnitMembership.id > after)
    rows = session.execute(stmt.order_by(UnitMembership.id).limit(limit))
    return [StaffRow(m, p, v) for m, p, v in rows]


def placements_page(session: Session, company_id: int, after: int | None, limit: int) -> list[PlacementRow]:
    """People a dispatch / housekeeping / property / cleaning company places in other units."""
    stmt = (
        select(UnitMembership, Person, Unit)
        .join(Person, Person.id == UnitMembership.person_id)
        .join(Unit, Unit.id == UnitMembership.unit_id)
        .where(UnitMembership.via_unit_id == company_id, UnitMembership.end_date.is_(None))
    )
    if after is not None:
        stmt = stmt.where(UnitMembership.id > after)
    rows = session.execute(stmt.order_by(UnitMembership.id).limit(limit))
    return [PlacementRow(m, p, u) for m, p, u in rows]


def officers_of(session: Session, unit_id: int) -> list[User]:
    stmt = (
        select(User)
        .join(UnitOfficer, UnitOfficer.user_id == User.id)
        .where(UnitOfficer.unit_id == unit_id)
        .order_by(User.username)
    )
    return list(session.scalars(stmt))


def officer_link(session: Session, unit_id: int, user_id: int) -> UnitOfficer | None:
    return session.scalar(
        select(UnitOfficer).where(UnitOfficer.unit_id == unit_id, UnitOfficer.user_id == user_id)
    )


def staff_row(session: Session, membership_id: int) -> StaffRow | None:
    via = aliased(Unit)
    stmt = (
        select(UnitMembership, Person, via)
        .join(Person, Person.id == UnitMembership.person_id)
        .outerjoin(via, via.id == UnitMembership.via_unit_id)
        .where(UnitMembership.id == membership_id)
    )
    found = session.execute(stmt).first()
    return StaffRow(*found) if found else None
