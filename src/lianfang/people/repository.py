"""Queries over persons and households.

Lists are keyset pages ordered by id, limited by the caller's scope clause (`subtree_filter` on
`jurisdiction_path`), never counted. Look-ups by identity number or phone use their keyed hashes, which
have their own indexes: an equality on a near-unique hash is narrower than any jurisdiction prefix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Household, Person

CHUNK = 500  # parameters per IN (...) look-up; well under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class PersonFilter:
    """What a list asks for. Hashes are computed by the caller (service) from the typed values."""

    name_prefix: str = ""
    id_hashes: tuple[str, ...] = ()
    phone_hash: str = ""
    community_path: str = ""
    # The scope's community paths, for a name search: `path IN (...) AND name range` descends the
    # (jurisdiction_path, name) index once per community instead of reading the whole subtree's range.
    community_paths: tuple[str, ...] | None = None


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _people_query(scope: ColumnElement[bool], wanted: PersonFilter) -> Select[Any]:
    query = select(Person).where(scope)
    if wanted.community_path:
        query = query.where(Person.jurisdiction_path == wanted.community_path)
    elif wanted.community_paths is not None:
        query = query.where(Person.jurisdiction_path.in_(wanted.community_paths))
    if wanted.name_prefix:
        # A range, not LIKE: it uses the (jurisdiction_path, name) index on both databases.
        query = query.where(
            Person.name >= wanted.name_prefix, Person.name < _prefix_upper_bound(wanted.name_prefix)
        )
    if wanted.id_hashes:
        query = query.where(Person.id_hash.in_(wanted.id_hashes))
    if wanted.phone_hash:
        query = query.where(Person.phone_hash == wanted.phone_hash)
    return query


def people_page(
    session: Session, scope: ColumnElement[bool], wanted: PersonFilter, after: int | None, limit: int
) -> list[Person]:
    """Up to `limit` persons after id `after`; ask for one more than a page to know if another follows."""
    query = _people_query(scope, wanted)
    if after is not None:
        query = query.where(Person.id > after)
    return list(session.scalars(query.order_by(Person.id).limit(limit)))


def community_paths(
    session: Session, scope: ColumnElement[bool], limit: int = 2000
) -> tuple[str, ...] | None:
    """Paths of the communities in scope (persons live only in communities), or None when there are
    more than `limit`, where one range read is cheaper than that many index descents."""
    query = select(Jurisdiction.path).where(scope, Jurisdiction.level == "community").limit(limit + 1)
    paths = tuple(session.scalars(query.order_by(Jurisdiction.path)))
    return paths if len(paths) <= limit else None


def by_id_hashes(session: Session, hashes: Iterable[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        for person in session.scalars(select(Person).where(Person.id_hash.in_(chunk))):
            found[person.id_hash] = person
    return found


def by_id_hash(session: Session, id_hash: str) -> Person | None:
    return session.scalar(select(Person).where(Person.id_hash == id_hash))


def by_phone_hash(session: Session, phone_hash: str, limit: int = 50) -> list[Person]:
    return list(
        session.scalars(
            select(Person).where(Person.phone_hash == phone_hash).order_by(Person.id).limit(limit)
        )
    )


def jurisdictions_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Jurisdiction]:
    unique = list(dict.fromkeys(ids))
    found: dict[int, Jurisdiction] = {}
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found.update(
            {j.id: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(chunk)))}
        )
    return found


def households_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Household]:
    unique = list(dict.fromkeys(ids))
    found: dict[int, Household] = {}
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found.update({h.id: h for h in session.scalars(select(Household).where(Household.id.in_(chunk)))})
    return found


def household_by_code(session: Session, community_id: int, code: str) -> Household | None:
    return session.scalar(
        select(Household).where(Household.community_id == community_id, Household.code == code)
    )


def households_by_codes(
    session: Session, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], Household]:
    """Households for (community id, code) pairs, one query per community and chunk of codes."""
    by_community: dict[int, list[str]] = {}
    for community_id, code in dict.fromkeys(keys):
        by_community.setdefault(community_id, []).append(code)
    found: dict[tuple[int, str], Household] = {}
    for community_id, codes in by_community.items():
        for start in range(0, len(codes), CHUNK):
            query = select(Household).where(
                Household.community_id == community_id, Household.code.in_(codes[start : start + CHUNK])
            )
            found.update({(h.community_id, h.code): h for h in session.scalars(query)})
    return found


def households_page(
    session: Session, scope: ColumnElement[bool], community_path: str, after: int | None, limit: int
) -> list[Household]:
    query = select(Household).where(scope)
    if community_path:
        query = query.where(Household.jurisdiction_path == community_path)
    if after is not None:
        query = query.where(Household.id > after)
    return list(session.scalars(query.order_by(Household.id).limit(limit)))


def members(session: Session, household_id: int, limit: int = 100) -> list[Person]:
    query = select(Person).where(Person.household_id == household_id).order_by(Person.id).limit(limit)
    return list(session.scalars(query))
