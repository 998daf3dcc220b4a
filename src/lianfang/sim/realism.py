"""Plausibility figures of a run (documented in docs/simulation.md): population structure, visits per person
per day, scanned share, venue sizes and daily visitors by kind, trips, infections by setting.

`Realism` accumulates them from chunks as they stream past (the loader feeds it while writing, so a run is
generated once); `realism(chunks)` consumes a whole run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from lianfang.sim._arrays import I64
from lianfang.sim.engine import CityChunk, DaySummary, SimChunk, TravelChunk, TruthChunk, VisitChunk
from lianfang.sim.kinds import VENUE_TYPES
from lianfang.sim.tables import City
from lianfang.sim.transmission import NEVER, Setting
from lianfang.sim.truth import GroundTruth


class Realism:
    def __init__(self) -> None:
        self.city: City | None = None
        self.per_venue: I64 | None = None
        self.visits = self.scanned = self.trips = self.days = 0
        self.truth: GroundTruth | None = None

    def add(self, item: SimChunk) -> None:
        if isinstance(item, CityChunk):
            self.city = item.city
            self.per_venue = np.zeros(len(item.city.venues), dtype=np.int64)
        elif isinstance(item, VisitChunk) and self.per_venue is not None:
            self.visits += len(item.visits)
            self.scanned += int(item.visits.scanned.sum())
            self.per_venue += np.bincount(item.visits.venue, minlength=self.per_venue.shape[0])
        elif isinstance(item, TravelChunk):
            self.trips += len(item.trips)
        elif isinstance(item, DaySummary):
            self.days += 1
        elif isinstance(item, TruthChunk):
            self.truth = item.truth

    def _venues(self, city: City, per_venue: I64) -> dict[str, dict[str, float]]:
        venues: dict[str, dict[str, float]] = {}
        for vt in VENUE_TYPES:
            sel = city.venues.kind == int(vt.kind)
            if not sel.any():
                continue
            cap = city.venues.capacity[sel]
            daily = per_venue[sel] / max(self.days, 1)
            venues[vt.slug] = {
                "count": int(sel.sum()),
                "capacity_median": float(np.median(cap)),
                "capacity_p90": float(np.quantile(cap, 0.9)),
                "capacity_max": float(cap.max()),
                "daily_visits_median": float(np.median(daily)),
                "daily_visits_p90": float(np.quantile(daily, 0.9)),
                "stay_minutes": float(vt.stay_minutes),
            }
        return venues

    def figures(self) -> dict[str, object]:
        city, per_venue, truth = self.city, self.per_venue, self.truth
        if city is None or per_venue is None or truth is None:
            msg = "realism figures need a complete run (city, days and truth)"
            raise ValueError(msg)
        p = city.persons
        n = len(p)
        inf = truth.infections
        settings = Counter(Setting(int(s)).name.lower() for s in inf.setting)
        infected = truth.infected_day != NEVER
        return {
            "persons": n,
            "days": self.days,
            "households": len(city.households),
            "household_size_mean": float(city.households.size.mean()),
            "age_share_0_14": float((p.age < 15).mean()),
            "age_share_15_59": float(((p.age >= 15) & (p.age < 60)).mean()),
            "age_share_60_plus": float((p.age >= 60).mean()),
            "employed_share_18_59": float((p.unit[(p.age >= 18) & (p.age < 60)] >= 0).mean()),
            "visits_per_person_day": self.visits / max(1, n * self.days),
            "scanned_share": self.scanned / max(1, self.visits),
            "never_scanned_share": float(truth.never_scanned.mean()),
            "trips_per_person": self.trips / n,
            "venues": self._venues(city, per_venue),
            "infections": len(inf),
            "infections_by_setting": {k: v / max(1, len(inf)) for k, v in sorted(settings.items())},
            "detected_share": float((truth.detected_day[infected] != NEVER).mean())
            if infected.any()
            else 0.0,
            "asymptomatic_share": float(truth.asymptomatic[infected].mean()) if infected.any() else 0.0,
        }


def realism(chunks: Iterable[SimChunk]) -> dict[str, object]:
    """Plausibility figures from a run's chunks (consumes them)."""
    acc = Realism()
    for item in chunks:
        acc.add(item)
    return acc.figures()
