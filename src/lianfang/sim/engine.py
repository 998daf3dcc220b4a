"""Driver: city → (travel, daily life, outbreak) day by day → ground truth, as a stream of typed chunks.

`run(n_persons, days, seed, scenario)` yields, in order: one `CityChunk`; then per day a `TravelChunk`,
the day's `VisitChunk`s (each at most `chunk` rows) and a `DaySummary`; finally a `TruthChunk`. Only one
day of visits is held at a time (transmission needs the whole day's co-presence), so memory is bounded by
the city plus one day, whatever the number of days. The same (n_persons, days, seed, scenario, chunk)
always yields identical chunks; the visits themselves do not depend on `chunk`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from lianfang.sim._arrays import I64
from lianfang.sim.city import generate_city
from lianfang.sim.kinds import VENUE_TYPES
from lianfang.sim.life import Visits, life_of
from lianfang.sim.outbreak import Outbreak
from lianfang.sim.scenarios import Scenario, get_scenario
from lianfang.sim.tables import City
from lianfang.sim.transmission import NEVER, Setting
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


def realism(chunks: Iterable[SimChunk]) -> dict[str, object]:
    """Plausibility figures from a run's chunks (consumes them): population structure, visits per person
    per day, scanned share, venue sizes and daily visitors by kind, trips, infections by setting."""
    city: City | None = None
    per_venue: I64 | None = None
    n_visits = n_scanned = n_trips = days = 0
    truth: GroundTruth | None = None
    for item in chunks:
        if isinstance(item, CityChunk):
            city = item.city
            per_venue = np.zeros(len(city.venues), dtype=np.int64)
        elif isinstance(item, VisitChunk) and per_venue is not None:
            n_visits += len(item.visits)
            n_scanned += int(item.visits.scanned.sum())
            per_venue += np.bincount(item.visits.venue, minlength=per_venue.shape[0])
        elif isinstance(item, TravelChunk):
            n_trips += len(item.trips)
        elif isinstance(item, DaySummary):
            days += 1
        elif isinstance(item, TruthChunk):
            truth = item.truth
    if city is None or per_venue is None or truth is None:
        msg = "realism() needs a complete run (city, days and truth)"
        raise ValueError(msg)
    p = city.persons
    n = len(p)
    venues: dict[str, dict[str, float]] = {}
    for vt in VENUE_TYPES:
        sel = city.venues.kind == int(vt.kind)
        if not sel.any():
            continue
        cap = city.venues.capacity[sel]
        daily = per_venue[sel] / max(days, 1)
        venues[vt.slug] = {
            "count": int(sel.sum()),
            "capacity_median": float(np.median(cap)),
            "capacity_p90": float(np.quantile(cap, 0.9)),
            "capacity_max": float(cap.max()),
            "daily_visits_median": float(np.median(daily)),
            "daily_visits_p90": float(np.quantile(daily, 0.9)),
            "stay_minutes": float(vt.stay_minutes),
        }
    inf = truth.infections
    settings = Counter(Setting(int(s)).name.lower() for s in inf.setting)
    infected = truth.infected_day != NEVER
    return {
        "persons": n,
        "days": days,
        "households": len(city.households),
        "household_size_mean": float(city.households.size.mean()),
        "age_share_0_14": float((p.age < 15).mean()),
        "age_share_15_59": float(((p.age >= 15) & (p.age < 60)).mean()),
        "age_share_60_plus": float((p.age >= 60).mean()),
        "employed_share_18_59": float((p.unit[(p.age >= 18) & (p.age < 60)] >= 0).mean()),
        "visits_per_person_day": n_visits / max(1, n * days),
        "scanned_share": n_scanned / max(1, n_visits),
        "never_scanned_share": float(truth.never_scanned.mean()),
        "trips_per_person": n_trips / n,
        "venues": venues,
        "infections": len(inf),
        "infections_by_setting": {k: v / max(1, len(inf)) for k, v in sorted(settings.items())},
        "detected_share": float((truth.detected_day[infected] != NEVER).mean()) if infected.any() else 0.0,
        "asymptomatic_share": float(truth.asymptomatic[infected].mean()) if infected.any() else 0.0,
    }
