"""Sample registration, set-based: the samples of many requests (each: one tube, the persons scanned into
it) checked and written in one transaction. Used by the group-commit writer of the hot path
(`testing.fast`: the rows of many concurrent requests share a commit), by the batch upload of a team's
device, and one request at a time by `tubes.add_samples` (pages), so every path checks the same way.

Each request is all or nothing and is checked before anything is written: the tube exists and is the
caller's (its site's jurisdiction, or its lab's), it is open and its round is open, every person is
registered, the pooling mode of each person's area or zone allows the tube's mode (a sealed-zone
resident only into a single tube), a 1户1管 tube holds one household, and the tube's capacity is not
exceeded (counting the requests before it in the same batch). A refused request gets its bilingual
error and writes nothing; the others go on.

Idempotent on the natural key (tube, person), unique in `testing_samples`: a person already in the tube
is reported as `duplicate` with the original sample, so a retried request changes nothing, even after
the tube was closed (a retry whose persons are all in the tube answers as before).

Queries per batch, whatever its size: tubes (locked, in id order), persons, their samples already in
those tubes, the rounds and their areas; then one INSERT of the samples, the tubes' new counts and one
audit row per accepted request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core import audit
from lianfang.core.access import Actor
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.db import among
from lianfang.core.errors import Conflict, DomainError, Invalid, NotFound, Problem
from lianfang.core.events import EventBus
from lianfang.testing import repository, rules
from lianfang.testing.access import SAMPLE
from lianfang.testing.models import Lab, Sample, Tube
from lianfang.testing.repository import PersonRef


@dataclass(frozen=True)
class SampleRequest:
    """One tube's scans: the person look-up keys (`repository.ref_key`) in scanning order."""

    actor: Actor
    barcode: str
    keys: tuple[str, ...]
    sampled_at: datetime
    now: datetime
    row: int | None = None  # the entry's row in a batch upload


@dataclass(frozen=True)
class Added:
    person: PersonRef
    sample_id: int
    duplicate: bool


@dataclass(frozen=True)
class Registered:
    barcode: str
    tube_id: int
    sample_count: int
    capacity: int
    samples: tuple[Added, ...]

    @property
    def full(self) -> bool:
        return self.sample_count >= self.capacity


@dataclass
class _Tube:
    """A tube's state while a batch is checked (counts include the accepted requests before)."""

    row: Tube
    present: dict[int, int] = field(default_factory=dict)  # person id -> sample id (0: this batch)


def build_request(
    actor: Actor,
    settings: Settings,
    barcode: str,
    refs: Sequence[str],
    sampled_at: datetime | None,
    now: datetime,
    row: int | None = None,
) -> SampleRequest:
    """Check what needs no database (permission, barcode, each scanned code, the time) and turn the
    scanned codes into look-up keys. Raises the request's refusal."""
    actor.require(SAMPLE)
    barcode = barcode.strip()
    problems = [p for p in [rules.barcode_problem(barcode, row=row)] if p]
    today = local_date(now)
    for i, ref in enumerate(refs, start=1):
        problem = rules.person_ref_problem(ref, today, i if row is None else row)
        if problem is not None:
            problems.append(problem)
    if not refs:
        problems.append(Problem("people", "请扫描受检人", "scan at least one person", row))
    when = sampled_at or now
    if (problem := rules.sampled_at_problem(when, now, row)) is not None:
        problems.append(problem)
    if problems:
        raise Invalid(problems)
    keys = tuple(repository.ref_key(settings, r) for r in refs)
    return SampleRequest(actor, barcode, keys, when, now, row)


@dataclass
class _Batch:
    """What the checks of a batch read, in a few queries."""

    tubes: dict[str, _Tube]
    persons: dict[str, PersonRef]
    rounds: dict[int, tuple[str, str]]
    areas: dict[int, list[rules.AreaRule]]
    lab_paths: dict[int, str]


def _load(session: Session, items: Sequence[SampleRequest]) -> _Batch:
    barcodes = sorted({item.barcode for item in items})
    stmt = select(Tube).where(among(session, Tube.barcode, barcodes)).order_by(Tube.id).with_for_update()
    tubes = {t.barcode: _Tube(t) for t in session.scalars(stmt)}
    persons = repository.persons_by_keys(session, {k for item in items for k in item.keys})
    if tubes and persons:
        # By tube only (at most capacity rows a tube, on the unique index's first column): a person
        # has samples in many tubes, so probing by person would read more as the rounds go on.
        found = session.execute(
            select(Sample.tube_id, Sample.person_id, Sample.id).where(
                among(session, Sample.tube_id, [t.row.id for t in tubes.values()])
            )
        )
        by_id = {t.row.id: t for t in tubes.values()}
        for tube_id, person_id, sample_id in found:
            by_id[tube_id].present[person_id] = sample_id
    round_ids = {t.row.round_id for t in tubes.values() if t.row.round_id is not None}
    return _Batch(
        tubes,
        persons,
        repository.round_states(session, round_ids),
        repository.area_rules(session, round_ids),
        _lab_paths(session, [t.row for t in tubes.values()]),
    )


def register(
    session: Session, settings: Settings, bus: EventBus, items: Sequence[SampleRequest]
) -> list[Registered | DomainError]:
    """Check and write the requests; one outcome per request, in order (see the module's docstring)."""
    if not items:
        return []
    batch = _load(session, items)
    refused: dict[int, DomainError] = {}
    added: dict[int, set[int]] = {}
    pending: list[tuple[int, _Tube, list[PersonRef]]] = []
    for n, item in enumerate(items):
        tube = batch.tubes.get(item.barcode)
        if tube is None or not _visible(item.actor, tube.row, batch.lab_paths):
            refused[n] = NotFound("采样管", "tube")
            continue
        try:
            new = _check(item, tube, batch)
        except DomainError as exc:
            refused[n] = exc
            continue
        for p in new:
            tube.present[p.person_id] = 0
        tube.row.sample_count += len(new)
        if tube.row.mode == "household" and tube.row.household_id is None and new:
            tube.row.household_id = new[0].household_id
        added[n] = {p.person_id for p in new}
        if new:
            pending.append((n, tube, new))
    _write(session, settings, bus, items, pending)
    return [
        refused[n] if n in refused else _registered(item, batch.tubes[item.barcode], batch.persons, added[n])
        for n, item in enumerate(items)
    ]


def _write(
    session: Session,
    settings: Settings,
    bus: EventBus,
    items: Sequence[SampleRequest],
    pending: list[tuple[int, _Tube, list[PersonRef]]],
) -> None:
    """One INSERT for the accepted samples, an audit row per accepted request, the tubes' counts."""
    rows: list[dict[str, Any]] = [
        {
            "tube_id": tube.row.id,
            "person_id": p.person_id,
            "round_id": tube.row.round_id,
            "jurisdiction_path": p.jurisdiction_path,
            "community_id": p.community_id,
            "sampled_at": items[n].sampled_at,
            "sampled_by_user_id": items[n].actor.user_id,
        }
        for n, tube, new in pending
        for p in new
    ]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        stored = _insert_postgres(session, rows)
    else:
        ids = session.scalars(insert(Sample).returning(Sample.id, sort_by_parameter_order=True), rows)
        stored = {(r["tube_id"], r["person_id"]): i for r, i in zip(rows, ids, strict=True)}
    entries = []
    for n, tube, new in pending:
        for p in new:
            tube.present[p.person_id] = stored[(tube.row.id, p.person_id)]
        item = items[n]
        ctx = Ctx(session=session, actor=item.actor, settings=settings, now=item.now, bus=bus)
        people = [p.person_id for p in new]
        path = tube.row.jurisdiction_path
        entries.append(
            audit.entry(
                ctx, "testing.sampled", "testing_tube", tube.row.id, path, person_ids=people, row=item.row
            )
        )
    audit.record_many(session, entries)
    session.flush()


_INSERT = (
    "INSERT INTO testing_samples"
    " (tube_id, person_id, round_id, jurisdiction_path, community_id, sampled_at, sampled_by_user_id)"
    " SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::text[], %s::int[], %s::timestamptz[],"
    " %s::int[]) RETURNING id, tube_id, person_id"
)
_COLUMNS = ("tube_id", "person_id", "round_id", "jurisdiction_path", "community_id", "sampled_at")


def _insert_postgres(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[int, int], int]:
    """The samples in one statement with one array parameter per column (SQLAlchemy's multi-row VALUES
    for 10,000 rows costs more to build and parse than the insert); ids by (tube, person), unique."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    columns = [[r[c] for r in rows] for c in (*_COLUMNS, "sampled_by_user_id")]
    with driver.cursor() as cursor:
        cursor.execute(_INSERT, columns)
        return {(t, p): i for i, t, p in cursor.fetchall()}


def _check(item: SampleRequest, tube: _Tube, batch: _Batch) -> list[PersonRef]:
    """The persons this request adds to the tube (none for a retry), or its refusal."""
    row, persons, rounds, areas = item.row, batch.persons, batch.rounds, batch.areas
    problems = [
        Problem("people", "未找到此人，请核对证件号或健康码", "no registered person for this code", row or i)
        for i, key in enumerate(item.keys, start=1)
        if key not in persons
    ]
    if problems:
        raise Invalid(problems)
    ordered = list({persons[k].person_id: persons[k] for k in item.keys}.values())
    new = [p for p in ordered if p.person_id not in tube.present]
    if not new:
        return []  # a retry: every person is in the tube already
    t = tube.row
    if t.status != "open":
        raise Conflict("采样管已封管，不能再加样", "the tube is closed; no more samples")
    if t.round_id is not None:
        default, status = rounds.get(t.round_id, (rules.DEFAULT_MODE, "open"))
        if status != "open":
            raise Conflict("该轮次已结束", "the round is closed")
        rules_of_round = areas.get(t.round_id, [])
        new_ids = {p.person_id for p in new}
        for i, p in enumerate(ordered, start=1):
            if p.person_id not in new_ids:
                continue
            need = rules.mode_for(p.jurisdiction_path, default, rules_of_round, p.household_id)
            if not rules.tube_allows(need, t.mode):
                label_zh, label_en = rules.MODES[need][1], rules.MODES[need][2]
                problems.append(
                    Problem(
                        "people",
                        f"此人所在区域须{label_zh}，不能采入{rules.MODES[t.mode][1]}管",
                        f"this person's area requires {label_en}; not into a {rules.MODES[t.mode][2]} tube",
                        row or i,
                    )
                )
    if t.mode == "household":
        homes = {p.household_id for p in new} | ({t.household_id} if t.household_id is not None else set())
        if None in homes or len(homes) > 1:
            problems.append(
                Problem(
                    "people",
                    "1户1管：一管只能采同一户的人",
                    "one household per tube: every person must be of the same household",
                    row,
                )
            )
    if problems:
        raise Invalid(problems)
    if t.sample_count + len(new) > t.capacity:
        raise Invalid(
            [
                Problem(
                    "people",
                    f"超过本管容量（{t.capacity}人），请封管后换新管",
                    f"the tube holds {t.capacity}; close it and open a new one",
                    row,
                )
            ]
        )
    return new


def _registered(item: SampleRequest, tube: _Tube, persons: dict[str, PersonRef], new: set[int]) -> Registered:
    ordered = list({persons[k].person_id: persons[k] for k in item.keys}.values())
    samples = tuple(Added(p, tube.present[p.person_id], p.person_id not in new) for p in ordered)
    return Registered(tube.row.barcode, tube.row.id, tube.row.sample_count, tube.row.capacity, samples)


def _lab_paths(session: Session, tubes: list[Tube]) -> dict[int, str]:
    lab_ids = {t.lab_id for t in tubes if t.lab_id is not None}
    if not lab_ids:
        return {}
    return dict(session.execute(select(Lab.id, Lab.jurisdiction_path).where(Lab.id.in_(lab_ids))).all())


def _visible(actor: Actor, tube: Tube, lab_paths: dict[int, str]) -> bool:
    """Reached through the tube's site (its jurisdiction) or, for lab staff, its lab (`access_tube`)."""
    if actor.covers(tube.jurisdiction_path):
        return True
    return tube.lab_id is not None and tube.lab_id in lab_paths and actor.covers(lab_paths[tube.lab_id])
