"""Driver: city → (travel, daily life, outbreak) day by day → ground truth, as a stream of typed chunks.

`run(n_persons, days, seed, scenario)` yields, in order: one `CityChunk`; then per day a `TravelChunk`,
the day's `VisitChunk`s (each at most `chunk` rows) and a `DaySummary`; finally a `TruthChunk`. Only one
day of visits is held at a time (transmission needs the whole day's co-presence), so memory is bounded by
the city plus one day, whatever the number of days. The same (n_persons, days, seed, scenario, chunk)
always yields identical chunks; the visits themselves do not depend on `chunk`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lianfang.sim.city import generate_city
from lianfang.sim.life import Visits, life_of
from lianfang.sim.outbreak import Outbreak
from lianfang.sim.scenarios import Scenario, get_scenario
from lianfang.sim.tables import City
from lianfang.sim.travel import Trips, depart
from lianfang.sim.truth import GroundTruth


@dataclass(frozen=True, eq=False)
class CityChunk:
    city: City
    scenario: Scenario


@dataclass(frozen=True, eq=False)
class TravelChunk:
    trips: Trips


@dataclass(frozen=True, eq=False)
class VisitChunk:
    visits: Visits


@dataclass(frozen=True)
class DaySummary:
    day: int
    visits: int
    scanned: int
    new_infections: int
    infectious_present: int
    away: int
    isolated: int


@dataclass(frozen=True, eq=False)
class TruthChunk:
    truth: GroundTruth
    days: int


SimChunk = CityChunk | TravelChunk | VisitChunk | DaySummary | TruthChunk


def _split(visits: Visits, chunk: int) -> Iterator[Visits]:
    for lo in range(0, len(visits), chunk):
        hi = lo + chunk
        yield Visits(
            visits.day,
            visits.person[lo:hi],
            visits.venue[lo:hi],
            visits.start[lo:hi],
            visits.stay[lo:hi],
            visits.scanned[lo:hi],
            visits.activity[lo:hi],
        )


def _merge_trips(a: Trips, b: Trips) -> Trips:
    return Trips(
        b.day,
        np.concatenate([a.person, b.person]),
        np.concatenate([a.destination, b.destination]),
        np.concatenate([a.depart_day, b.depart_day]),
        np.concatenate([a.return_day, b.return_day]),
    )


def run(
    n_persons: int, days: int, seed: int, scenario: str | Scenario = "quiet", chunk: int = 1_000_000
) -> Iterator[SimChunk]:
    sc = get_scenario(scenario) if isinstance(scenario, str) else scenario
    city = generate_city(n_persons, seed, reference_date=sc.start_date)
    yield CityChunk(city, sc)
    streams = np.random.SeedSequence([seed, 0x51D]).spawn(3)
    life_rng, outbreak_rng, travel_rng = (np.random.default_rng(s) for s in streams)
    life = life_of(city)
    outbreak = Outbreak(city, sc, outbreak_rng)
    seeded = outbreak.seed()
    away_until = np.zeros(n_persons, dtype=np.int16)
    for day in range(days):
        trips = depart(city, day, sc.travel_rate, away_until, travel_rng)
        outbreak.on_departures(trips)
        if day == 0 and seeded is not None:
            trips = _merge_trips(seeded, trips)
        yield TravelChunk(trips)
        away = away_until > day
        isolated = outbreak.isolated(day)
        present = ~(away | isolated)
        visits = list(life.iter_visits(day, life_rng, chunk, sc.scan_compliance, absent=~present))
        care = outbreak.care_visits(day, present)
        if len(care):
            visits.extend(_split(care, chunk))
        for v in visits:
            outbreak.observe(v)
        infectious = int(outbreak.infectiousness(day, present)[0].shape[0])
        new = outbreak.step(day, visits, present)
        for v in visits:
            yield VisitChunk(v)
        yield DaySummary(
            day,
            sum(len(v) for v in visits),
            sum(int(v.scanned.sum()) for v in visits),
            new,
            infectious,
            int(away.sum()),
            int(isolated.sum()),
        )
        del visits
    yield TruthChunk(outbreak.truth(days - 1), days)
