"""`load`: generate a city and an outbreak (`engine.run`) and write it, chunk by chunk, into the operational
tables (jurisdictions, households, people, units, staff lists, venues, scans) and the ground-truth tables
(`sim.models`), inside the caller's transaction.

Memory holds the city plus one day of visits (and one batch of people while they are sealed), whatever the
number of days. The same (persons, days, seed, scenario, start date) gives the same rows: ids, names,
codes, times — only the Fernet tokens differ, since each has a random IV. A database that already holds
people, units or venues is refused unless `replace` is set, which first empties the registry, check-in and
simulation tables (and any table that references them) but keeps jurisdictions by code and accounts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.clock import utcnow
from lianfang.people.models import Household, Person
from lianfang.sim import activity_rows as act
from lianfang.sim import registry_rows as reg
from lianfang.sim.bulk import BulkWriter, deferred_indexes, table_of
from lianfang.sim.engine import CityChunk, DaySummary, SimChunk, TravelChunk, TruthChunk, VisitChunk, run
from lianfang.sim.models import SimInfection, SimPersonTruth, SimRun, SimTravel, SimUnscannedVisit
from lianfang.sim.places import place_city
from lianfang.sim.realism import Realism
from lianfang.sim.scan_store import ScanStore
from lianfang.sim.scenarios import Scenario, get_scenario
from lianfang.sim.tables import City
from lianfang.units.models import Unit, UnitMembership
from lianfang.venues.models import Venue

Progress = Callable[[str, float], object]  # (what is happening, share done 0..1)
REGISTRY_TABLES = ("people", "units", "venues")
CLEARED = (
    "scans",
    "sim_unscanned_visits",
    "sim_people_truth",
    "sim_infections",
    "sim_travel",
    "sim_runs",
    "unit_memberships",
    "unit_officers",
    "venues",
    "units",
    "people",
    "households",
)
PEOPLE_BATCH = 100_000
# Tables whose secondary indexes and checkable constraints are built after the rows are in (they start
# empty); scans too on SQLite — on PostgreSQL each day's partition is indexed as it is attached.
DEFERRED = (
    "households",
    "people",
    "units",
    "venues",
    "unit_memberships",
    "sim_travel",
    "sim_infections",
    "sim_people_truth",
    "sim_unscanned_visits",
)


class LoadRefused(Exception):
    """The database is not empty (and `replace` was not asked for)."""


@dataclass(frozen=True)
class LoadOptions:
    persons: int
    days: int
    seed: int
    scenario: str | Scenario = "quiet"  # a registered name, or a Scenario (tests vary parameters)
    start_date: date | None = None
    replace: bool = False


@dataclass
class LoadResult:
    run_id: int
    start_date: date
    rows: dict[str, int]
    seconds: dict[str, float]  # per phase, wall time including row building (sealing for people)
    write_seconds: dict[str, float]  # per table, database writes only
    scan_seconds: dict[str, float]  # copy / attach (PostgreSQL)
    realism: dict[str, object] = field(default_factory=dict)


def _quiet(_what: str, _share: float) -> None:
    return None


def _holds_registry(session: Session) -> str | None:
    for table in REGISTRY_TABLES:
        if session.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:  # noqa: S608
            return table
    return None


def _dependents(session: Session, tables: set[str]) -> list[str]:
    """`tables` plus every table that references them (transitively), dependants first."""
    inspector = inspect(session.connection())
    refs = {
        t: {fk["referred_table"] for fk in inspector.get_foreign_keys(t)} for t in inspector.get_table_names()
    }
    wanted = set(tables)
    while True:
        more = {t for t, targets in refs.items() if targets & wanted} - wanted
        if not more:
            break
        wanted |= more
    order: list[str] = []
    remaining = set(wanted)
    while remaining:  # a table goes once nothing left still references it
        free = sorted(t for t in remaining if not any(t in refs.get(o, set()) for o in remaining - {t}))
        if not free:  # pragma: no cover - a reference cycle: fall back to the given order
            free = sorted(remaining)
        order += free
        remaining -= set(free)
    return order


def clear(session: Session) -> None:
    """Empty the registry, check-in and simulation tables (and their dependants)."""
    tables = _dependents(session, set(CLEARED))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE {', '.join(tables)}"))
        return
    for table in tables:
        session.execute(text(f"DELETE FROM {table}"))  # noqa: S608


class _Loader:
    def __init__(
        self, session: Session, settings: Settings, options: LoadOptions, progress: Progress
    ) -> None:
        self.session, self.settings, self.options, self.progress = session, settings, options, progress
        self.writer = BulkWriter(session)
        self.scans = ScanStore(self.writer)
        self.realism = Realism()
        self.seconds: dict[str, float] = {}
        self.next_ids: dict[str, int] = {}

    def _timed(self, phase: str, started: float) -> None:
        self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

    def _next(self, table: str, count: int) -> int:
        first = self.next_ids.get(table) or self.writer.next_id(table)
        self.next_ids[table] = first + count
        return first

    def registry(self, city: City, cal: act.Calendar) -> reg.IdMap:
        started = time.perf_counter()
        placed = place_city(self.writer, city)
        self._timed("jurisdictions", started)
        ids = reg.IdMap(
            placed.community_id,
            placed.community_path,
            household=self._next("households", len(city.households)),
            person=self._next("people", len(city.persons)),
            unit=self._next("units", len(city.units)),
            venue=self._next("venues", len(city.venues)),
        )
        at = cal.created_at()
        started = time.perf_counter()
        self.writer.write(table_of(Household), reg.household_cols(city, ids, at))
        self._timed("households", started)
        inputs = reg.PeopleInputs(
            self.settings.data_key,
            self.settings.lookup_key,
            reg.pseudonyms(city.seed, len(city.persons)),
            reg.household_addresses(city),
        )
        n = len(city.persons)
        for lo in range(0, n, PEOPLE_BATCH):
            started = time.perf_counter()
            hi = min(n, lo + PEOPLE_BATCH)
            self.writer.write(table_of(Person), reg.people_cols(city, ids, inputs, lo, hi, at))
            self._timed("people", started)
            self.progress(f"people {hi:,}/{n:,}", 0.05 + 0.25 * hi / n)
        started = time.perf_counter()
        self.writer.write(table_of(Unit), reg.unit_cols(city, ids, at))
        self.writer.write(table_of(Venue), reg.venue_cols(city, ids, at))
        members = reg.membership_cols(city, ids, self.writer.next_id("unit_memberships"), at)
        self.writer.write(table_of(UnitMembership), members)
        self._timed("units_venues_staff", started)
        return ids

    def day_chunk(self, item: SimChunk, ids: reg.IdMap, cal: act.Calendar, run_id: int) -> None:
        started = time.perf_counter()
        if isinstance(item, TravelChunk):
            self.scans.begin_day(date.fromisoformat(str(cal.date_of(item.trips.day))))
            first = self._next("sim_travel", len(item.trips))
            self.writer.write(table_of(SimTravel), act.travel_cols(item.trips, ids, cal, run_id, first))
        elif isinstance(item, VisitChunk):
            v = item.visits
            self.scans.add(act.scan_cols(v, ids, cal, 0))  # numbered once the day is sorted
            first = self._next("sim_unscanned_visits", len(v) - int(v.scanned.sum()))
            self.writer.write(table_of(SimUnscannedVisit), act.unscanned_cols(v, ids, run_id, first))
        elif isinstance(item, DaySummary):
            self.scans.end_day()
            share = 0.3 + 0.65 * (item.day + 1) / self.options.days
            self.progress(f"day {item.day + 1}/{self.options.days}: {item.scanned:,} scans", share)
        self._timed("days", started)

    def truth(self, item: TruthChunk, ids: reg.IdMap, cal: act.Calendar, run_id: int) -> None:
        started = time.perf_counter()
        truth = item.truth
        first = self._next("sim_infections", len(truth.infections))
        self.writer.write(table_of(SimInfection), act.infection_cols(truth, ids, cal, run_id, first))
        n = int(truth.infected_day.shape[0])
        for lo in range(0, n, 500_000):
            cols = act.people_truth_cols(truth, ids, run_id, lo, min(n, lo + 500_000))
            self.writer.write(table_of(SimPersonTruth), cols)
        self._timed("truth", started)

    def finish(self) -> None:
        started = time.perf_counter()
        self.scans.finish()
        for table in ("households", "people", "units", "venues", "unit_memberships", "sim_travel"):
            self.writer.sync_sequence(table)
        for table in ("sim_infections", "sim_unscanned_visits"):
            self.writer.sync_sequence(table)
        self._timed("finish", started)


def load(
    session: Session, settings: Settings, options: LoadOptions, progress: Progress = _quiet
) -> LoadResult:
    if options.persons < 1 or options.days < 1:
        msg = "a run needs at least one person and one day"
        raise ValueError(msg)
    holding = _holds_registry(session)
    if holding and not options.replace:
        msg = f"the database already holds {holding}: load into an empty database, or pass --replace"
        raise LoadRefused(msg)
    loader = _Loader(session, settings, options, progress)
    if holding:
        started = time.perf_counter()
        clear(session)
        loader._timed("clear", started)
    scenario = options.scenario
    if isinstance(scenario, str):
        scenario = get_scenario(scenario)
    if options.start_date:
        scenario = replace(scenario, start_date=options.start_date)
    progress("generating the city", 0.0)
    stream = run(options.persons, options.days, options.seed, scenario)
    started = time.perf_counter()
    first = next(stream)
    assert isinstance(first, CityChunk)
    loader._timed("generate_city", started)
    loader.realism.add(first)
    sim_run = SimRun(
        seed=options.seed,
        scenario=scenario.name,
        persons=options.persons,
        days=options.days,
        start_date=scenario.start_date,
        created_at=utcnow(),
    )
    session.add(sim_run)
    session.flush()
    cal = act.Calendar(scenario.start_date, settings.timezone)
    deferred = DEFERRED + (() if loader.writer.postgres else ("scans",))
    with deferred_indexes(loader.writer, deferred):
        ids = loader.registry(first.city, cal)
        for item in stream:
            loader.realism.add(item)
            if isinstance(item, TruthChunk):
                loader.truth(item, ids, cal, sim_run.id)
            else:
                loader.day_chunk(item, ids, cal, sim_run.id)
    loader.seconds["indexes"] = loader.writer.seconds.pop("(indexes rebuilt)", 0.0)
    loader.finish()
    session.expire_all()
    progress("done", 1.0)
    rows = dict(loader.writer.rows)
    return LoadResult(
        run_id=sim_run.id,
        start_date=scenario.start_date,
        rows=rows,
        seconds=loader.seconds,
        write_seconds=dict(loader.writer.seconds),
        scan_seconds=dict(loader.scans.seconds),
        realism=loader.realism.figures(),
    )
