"""Every query over the travel tables. Re-flagging is one INSERT … SELECT … ON CONFLICT statement over the
travel records that touch the listed areas (set-based, the same on SQLite and PostgreSQL); clearing is one
UPDATE per reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lianfang.core.access import Actor
from lianfang.core.types import UTCDateTime
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.models import Person
from lianfang.travel import rules
from lianfang.travel.models import (
    InboundArrival,
    ObservationRequirement,
    Place,
    RiskArea,
    TravelFlag,
    TravelRecord,
)

CHUNK = 500


def _plus_days(session: Session, column: ColumnElement[Any], days: int) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return column + days
    return func.date(column, f"+{days} days")


def places_by_codes(session: Session, codes: Iterable[str]) -> dict[str, Place]:
    wanted = sorted(set(codes))
    found: dict[str, Place] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update({p.code: p for p in session.scalars(select(Place).where(Place.code.in_(chunk)))})
    return found


def place_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Full names (province / prefecture / county) of the given codes, for display."""
    places = places_by_codes(session, codes)
    parents = places_by_codes(session, [rules.province_of(c) for c in places])
    mids = places_by_codes(session, [c[:4] + "00" for c in places if rules.code_level(c) == "county"])
    names: dict[str, str] = {}
    for code, place in places.items():
        parts = []
        if rules.code_level(code) != "province" and rules.province_of(code) in parents:
            parts.append(parents[rules.province_of(code)].name)
        mid = mids.get(code[:4] + "00")
        if rules.code_level(code) == "county" and mid is not None and mid.name not in ("市辖区", "县"):
            parts.append(mid.name)
        parts.append(place.name)
        names[code] = "".join(dict.fromkeys(parts))
    return names


def search_places(session: Session, query: str, limit: int = 20) -> list[Place]:
    query = query.strip()
    if not query:
        return []
    where = Place.code.startswith(query) if query.isdigit() else Place.name.contains(query)
    return list(session.scalars(select(Place).where(where).order_by(Place.code).limit(limit)))


def active_risk_areas(session: Session, inside_city: bool | None = None) -> list[RiskArea]:
    query = select(RiskArea).where(RiskArea.active.is_(True))
    if inside_city is not None:
        query = query.where(RiskArea.inside_city.is_(inside_city))
    return list(session.scalars(query.order_by(RiskArea.place_code, RiskArea.id)))


def risk_area_page(session: Session, active: bool, after: int | None, limit: int) -> list[RiskArea]:
    query = select(RiskArea).where(RiskArea.active.is_(active))
    if after is not None:
        query = query.where(RiskArea.id > after)
    return list(session.scalars(query.order_by(RiskArea.id).limit(limit)))


def person_records(
    session: Session, person_ids: Sequence[int], with_history: bool = False
) -> list[TravelRecord]:
    if not person_ids:
        return []
    query = select(TravelRecord).where(TravelRecord.person_id.in_(person_ids))
    if not with_history:
        query = query.where(TravelRecord.state == "active")
    return list(session.scalars(query.order_by(TravelRecord.from_on.desc(), TravelRecord.id.desc())))


def existing_refs(session: Session, source: str, refs: Sequence[str]) -> dict[str, TravelRecord]:
    found: dict[str, TravelRecord] = {}
    wanted = sorted(set(refs))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(TravelRecord).where(TravelRecord.source == source, TravelRecord.source_ref.in_(chunk))
        found.update({r.source_ref: r for r in session.scalars(query) if r.source_ref})
    return found


@dataclass
class ListFilter:
    state: str | None = None
    person_id: int | None = None
    extra: list[ColumnElement[bool]] = field(default_factory=list)


def _page(
    session: Session, actor: Actor, model: Any, where: ListFilter, after: int | None, limit: int
) -> list[Any]:
    query = select(model).where(subtree_filter(actor, model.jurisdiction_path), *where.extra)
    if where.state is not None:
        query = query.where(model.state == where.state)
    if where.person_id is not None:
        query = query.where(model.person_id == where.person_id)
    if after is not None:
        query = query.where(model.id > after)
    return list(session.scalars(query.order_by(model.id).limit(limit)))


def records_page(
    session: Session, actor: Actor, where: ListFilter, after: int | None, limit: int
) -> list[TravelRecord]:
    return _page(session, actor, TravelRecord, where, after, limit)


def flags_page(
    session: Session, actor: Actor, where: ListFilter, after: int | None, limit: int
) -> list[TravelFlag]:
    return _page(session, actor, TravelFlag, where, after, limit)


def arrivals_page(session: Session, actor: Actor, after: int | None, limit: int) -> list[InboundArrival]:
    return _page(session, actor, InboundArrival, ListFilter(), after, limit)


def observations_page(
    session: Session, actor: Actor, where: ListFilter, after: int | None, limit: int
) -> list[ObservationRequirement]:
    return _page(session, actor, ObservationRequirement, where, after, limit)


# ---- Re-flagging (pop-up ①) -----------------------------------------------------------------------------
def upsert_flags(
    session: Session,
    now: datetime,
    today: date,
    risk_area_id: int | None = None,
    person_ids: Sequence[int] | None = None,
) -> int:
    """Raise (or refresh) pop-up ① for every person whose active travel in the 14-day window touches an
    active listed area: one statement. An open flag follows its stay's last day; a cleared one reopens
    only for a later stay. Returns the number of flags inserted or changed."""
    ra, tr = RiskArea, TravelRecord
    last = func.max(tr.last_day)
    open_end = literal(rules.OPEN_END)
    select_rows = (
        select(
            ra.id,
            tr.person_id,
            func.min(tr.community_id),
            func.min(tr.jurisdiction_path),
            ra.place_code,
            last,
            case((last <= today, True), else_=False),
            literal("open"),
            case((last == open_end, None), else_=_plus_days(session, last, rules.WINDOW_DAYS + 1)),
            literal(now, UTCDateTime()),
        )
        .join_from(ra, tr, tr.place_code == ra.place_code)
        .where(
            ra.active.is_(True),
            tr.last_day >= rules.window_start(today),
            tr.from_on <= today,
            tr.state == "active",
        )
        .group_by(ra.id, tr.person_id, ra.place_code)
        # In the unique index's key order: its pages are written in one pass, not at random.
        .order_by(tr.person_id, ra.id)
    )
    if risk_area_id is not None:
        select_rows = select_rows.where(ra.id == risk_area_id)
    if person_ids is not None:
        select_rows = select_rows.where(tr.person_id.in_(list(person_ids)))
    columns = ["risk_area_id", "person_id", "community_id", "jurisdiction_path", "place_code", "last_day"]
    columns += ["in_city", "state", "expires_on", "raised_at"]
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TravelFlag)
    stmt = insert.from_select(columns, select_rows)
    flags = TravelFlag.__table__.c
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["person_id", "risk_area_id"],
        set_={
            "last_day": excluded.last_day,
            "in_city": excluded.in_city,
            "expires_on": excluded.expires_on,
            "state": "open",
            "cleared_at": None,
        },
        where=or_(
            and_(flags.state == "open", flags.last_day != excluded.last_day),
            and_(flags.state.in_(("expired", "verified")), excluded.last_day > flags.last_day),
        ),
    )
    result = session.execute(stmt.execution_options(preserve_rowcount=True))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def clear_lifted(session: Session, now: datetime, risk_area_ids: Sequence[int]) -> int:
    stmt = (
        update(TravelFlag)
        .where(TravelFlag.risk_area_id.in_(list(risk_area_ids)), TravelFlag.state == "open")
        .values(state="lifted", cleared_at=now, cleared_by="system")
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def expire_flags(session: Session, now: datetime, today: date) -> int:
    stmt = (
        update(TravelFlag)
        .where(TravelFlag.state == "open", TravelFlag.expires_on <= today)
        .values(state="expired", cleared_at=now, cleared_by="system")
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def unassigned_by_community(session: Session) -> list[tuple[int, str, int]]:
    """(community_id, path, count) of open in-city flags that no verification assignment covers yet."""
    query = (
        select(TravelFlag.community_id, func.min(TravelFlag.jurisdiction_path), func.count())
        .where(TravelFlag.assignment_id.is_(None), TravelFlag.state == "open", TravelFlag.in_city.is_(True))
        .group_by(TravelFlag.community_id)
        .order_by(TravelFlag.community_id)
    )
    return [(int(c), str(p), int(n)) for c, p, n in session.execute(query)]


def attach_assignments(session: Session, by_community: dict[int, int]) -> int:
    """Point the unassigned open in-city flags of each community at its new assignment: one UPDATE."""
    if not by_community:
        return 0
    stmt = (
        update(TravelFlag)
        .where(
            TravelFlag.community_id.in_(list(by_community)),
            TravelFlag.assignment_id.is_(None),
            TravelFlag.state == "open",
            TravelFlag.in_city.is_(True),
        )
        .values(assignment_id=case(by_community, value=TravelFlag.community_id))
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def open_flags_of_assignment(session: Session, path: str, assignment_id: int) -> int:
    """Open flags still covered by an assignment (all in one community: read on the path index)."""
    query = select(func.count()).where(
        TravelFlag.jurisdiction_path == path,
        TravelFlag.state == "open",
        TravelFlag.assignment_id == assignment_id,
    )
    return int(session.scalar(query) or 0)


def open_flags_of(session: Session, person_ids: Sequence[int]) -> list[TravelFlag]:
    if not person_ids:
        return []
    query = select(TravelFlag).where(TravelFlag.person_id.in_(person_ids), TravelFlag.state == "open")
    return list(session.scalars(query.order_by(TravelFlag.id)))


def observations_of(session: Session, person_ids: Sequence[int]) -> list[ObservationRequirement]:
    if not person_ids:
        return []
    query = select(ObservationRequirement).where(
        ObservationRequirement.person_id.in_(person_ids), ObservationRequirement.state == "required"
    )
    return list(session.scalars(query.order_by(ObservationRequirement.id)))


@dataclass(frozen=True)
class Popups:
    """What the health-code module reads: pop-up ① (open flags) and ② (inbound observation)."""

    popup1: list[TravelFlag]
    popup2: list[ObservationRequirement]


def popups_for(session: Session, person_id: int, today: date) -> Popups:
    popup2 = [
        o
        for o in observations_of(session, [person_id])
        if o.kind == "inbound" and rules.popup2_active(o.popup2_until, today)
    ]
    return Popups(popup1=open_flags_of(session, [person_id]), popup2=popup2)


def persons_by_ids(session: Session, ids: Iterable[int]) -> list[Person]:
    wanted = sorted(set(ids))
    return list(session.scalars(select(Person).where(Person.id.in_(wanted)))) if wanted else []
