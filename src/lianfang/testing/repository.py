"""Queries for testing. Lists are keyset-paginated on indexes that start with the scope column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import Actor
from lianfang.core.db import among
from lianfang.jurisdictions.access import subtree_filter
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, mask_name
from lianfang.testing.models import (
    Lab,
    RoundArea,
    RoundProgress,
    Sample,
    SamplingSite,
    Shipment,
    TemporaryControl,
    TestingRound,
    Tube,
    TubeResult,
)
from lianfang.testing.rules import AreaRule

_ID_NUMBER = re.compile(r"^(\d{17}[\dXx]|\d{15})$")


@dataclass(frozen=True)
class PersonRef:
    person_id: int
    jurisdiction_path: str
    community_id: int
    name_masked: str
    id_masked: str
    household_id: int | None = None


def ref_key(settings: Settings, ref: str) -> str:
    """How a scanned reference finds a person: an ID number by its keyed hash, anything else (the code a
    health code carries) as the person's pseudonym."""
    ref = ref.strip()
    if _ID_NUMBER.match(ref):
        return "h:" + id_hash(settings, "resident_id", ref)
    return "p:" + ref


def persons_by_keys(session: Session, keys: Iterable[str]) -> dict[str, PersonRef]:
    wanted = set(keys)
    pseudonyms = [k[2:] for k in wanted if k.startswith("p:")]
    hashes = [k[2:] for k in wanted if k.startswith("h:")]
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Person.id,
            Person.pseudonym,
            Person.id_hash,
            Person.jurisdiction_path,
            Person.community_id,
            Person.name,
            Person.id_masked,
            Person.household_id,
        ).where(or_(among(session, Person.pseudonym, pseudonyms), among(session, Person.id_hash, hashes)))
    )
    out: dict[str, PersonRef] = {}
    for pid, pseudonym, digest, path, community_id, name, id_masked, household in rows:
        ref = PersonRef(pid, path, community_id, mask_name(name), id_masked, household)
        out[f"p:{pseudonym}"] = out[f"h:{digest}"] = ref
    return {k: v for k, v in out.items() if k in wanted}


def round_areas(session: Session, round_id: int) -> list[AreaRule]:
    return area_rules(session, [round_id]).get(round_id, [])


def area_rules(session: Session, round_ids: Iterable[int]) -> dict[int, list[AreaRule]]:
    """The areas and zones of rounds, as the pooling-mode rules read them."""
    wanted = sorted(set(round_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(RoundArea.round_id, RoundArea.jurisdiction_path, RoundArea.mode, RoundArea.households).where(
            RoundArea.round_id.in_(wanted)
        )
    )
    out: dict[int, list[AreaRule]] = {}
    for round_id, path, mode, households in rows:
        out.setdefault(round_id, []).append(AreaRule(path, mode, frozenset(households or ())))
    return out


def round_states(session: Session, round_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(default mode, status) per round."""
    wanted = sorted(set(round_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(TestingRound.id, TestingRound.default_mode, TestingRound.status).where(
            TestingRound.id.in_(wanted)
        )
    )
    return {i: (m, st) for i, m, st in rows}


def round_area_list(session: Session, round_id: int) -> list[RoundArea]:
    stmt = select(RoundArea).where(RoundArea.round_id == round_id).order_by(RoundArea.jurisdiction_path)
    return list(session.scalars(stmt))


def jurisdiction_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Jurisdiction.id, Jurisdiction.name).where(Jurisdiction.id.in_(wanted)))
    return {int(i): str(n) for i, n in rows}


def visible_rounds_filter(actor: Actor) -> ColumnElement[bool]:
    """Rounds over the actor's subtree, or over an area containing the actor's home (a community worker
    follows the city-wide round in their community)."""
    if actor.kind == "system":
        return subtree_filter(actor, TestingRound.area_path)
    scope = actor.scope_path or "\x00"
    return or_(
        subtree_filter(actor, TestingRound.area_path),
        func.substr(scope, 1, func.length(TestingRound.area_path)) == TestingRound.area_path,
    )


def rounds_page(session: Session, actor: Actor, before: int | None, limit: int) -> list[TestingRound]:
    stmt = select(TestingRound).where(visible_rounds_filter(actor))
    if before is not None:
        stmt = stmt.where(TestingRound.id < before)
    return list(session.scalars(stmt.order_by(TestingRound.id.desc()).limit(limit)))


def sites_in(session: Session, actor: Actor, limit: int = 500) -> list[SamplingSite]:
    stmt = select(SamplingSite).where(
        subtree_filter(actor, SamplingSite.jurisdiction_path), SamplingSite.active
    )
    return list(session.scalars(stmt.order_by(SamplingSite.jurisdiction_path, SamplingSite.id).limit(limit)))


def labs_in(session: Session, actor: Actor, limit: int = 200) -> list[Lab]:
    stmt = select(Lab).where(subtree_filter(actor, Lab.jurisdiction_path), Lab.active)
    return list(session.scalars(stmt.order_by(Lab.jurisdiction_path, Lab.id).limit(limit)))


def labs_serving(session: Session, site_path: str) -> list[Lab]:
    """Active labs whose jurisdiction contains the site (a city lab serves every site in the city)."""
    prefixes = ["/".join(site_path.split("/")[:i]) + "/" for i in range(2, site_path.count("/") + 1)]
    return list(session.scalars(select(Lab).where(Lab.active, Lab.jurisdiction_path.in_(prefixes))))


def lab_load(session: Session, lab_ids: Sequence[int], since: datetime) -> dict[int, int]:
    rows = session.execute(
        select(Shipment.lab_id, func.sum(Shipment.tube_count))
        .where(Shipment.lab_id.in_(lab_ids), Shipment.shipped_at >= since)
        .group_by(Shipment.lab_id)
    )
    return {lab_id: int(n or 0) for lab_id, n in rows}


def open_tubes(session: Session, site_id: int, limit: int = 50) -> list[Tube]:
    stmt = select(Tube).where(Tube.site_id == site_id, Tube.status.in_(("open", "closed")))
    return list(session.scalars(stmt.order_by(Tube.id.desc()).limit(limit)))


def tube_members(session: Session, tube_id: int) -> list[tuple[Sample, str, str]]:
    rows = session.execute(
        select(Sample, Person.name, Person.id_masked)
        .join(Person, Person.id == Sample.person_id)
        .where(Sample.tube_id == tube_id)
        .order_by(Sample.id)
    )
    return [(s, mask_name(n), m) for s, n, m in rows]


def shipments_for_labs(session: Session, lab_ids: Sequence[int], limit: int = 50) -> list[Shipment]:
    stmt = select(Shipment).where(Shipment.lab_id.in_(lab_ids))
    return list(session.scalars(stmt.order_by(Shipment.id.desc()).limit(limit)))


def progress_rows(session: Session, round_id: int, prefix: str) -> list[RoundProgress]:
    stmt = select(RoundProgress).where(
        RoundProgress.round_id == round_id, in_subtree(RoundProgress.jurisdiction_path, prefix)
    )
    return list(session.scalars(stmt))


def children(session: Session, parent_id: int) -> list[Jurisdiction]:
    stmt = select(Jurisdiction).where(Jurisdiction.parent_id == parent_id).order_by(Jurisdiction.code)
    return list(session.scalars(stmt))


def unsampled_page(
    session: Session, round_id: int, community_path: str, after: int | None, limit: int
) -> list[Person]:
    """People registered in a community with no sample in the round (door-knocking list), by id.
    Walks people (jurisdiction_path, id) and probes samples (round_id, person_id): no scan, no count."""
    stmt = select(Person).where(
        Person.jurisdiction_path == community_path,
        ~exists().where(and_(Sample.round_id == round_id, Sample.person_id == Person.id)),
    )
    if after is not None:
        stmt = stmt.where(Person.id > after)
    return list(session.scalars(stmt.order_by(Person.id).limit(limit)))


def controls_page(session: Session, actor: Actor, after: int | None, limit: int) -> list[TemporaryControl]:
    stmt = select(TemporaryControl).where(
        subtree_filter(actor, TemporaryControl.jurisdiction_path), TemporaryControl.lifted_at.is_(None)
    )
    if after is not None:
        stmt = stmt.where(TemporaryControl.id > after)
    return list(session.scalars(stmt.order_by(TemporaryControl.id).limit(limit)))


@dataclass(frozen=True)
class PersonResult:
    sample_id: int
    barcode: str
    kind: str
    result: str | None
    sampled_at: datetime
    reported_at: datetime | None


def person_results(session: Session, person_id: int, limit: int = 30) -> list[PersonResult]:
    """A person's samples, newest first, with their tube's result (the health code reads these)."""
    rows = session.execute(
        select(
            Sample.id, Tube.barcode, Tube.kind, TubeResult.result, Sample.sampled_at, TubeResult.reported_at
        )
        .join(Tube, Tube.id == Sample.tube_id)
        .outerjoin(TubeResult, TubeResult.tube_id == Tube.id)
        .where(Sample.person_id == person_id)
        .order_by(Sample.sampled_at.desc())
        .limit(limit)
    )
    return [PersonResult(*r) for r in rows]


def open_controls(session: Session, person_id: int) -> list[TemporaryControl]:
    stmt = select(TemporaryControl).where(
        TemporaryControl.person_id == person_id, TemporaryControl.lifted_at.is_(None)
    )
    return list(session.scalars(stmt))
