"""Synthetic city and outbreak engine (仿真): a Beijing-shaped city for demos, benchmarks and tracing-recall
measurement, with no real person data anywhere.

Pipeline (pure, deterministic for a seed, numpy-vectorised, memory linear in the population):

1. `city.generate_city(n, seed)` — Beijing's 16 districts (real names, GB/T 2260 codes, population shares),
   synthetic streets and communities (12-digit codes, rectangular GeoJSON boundaries), households and
   residents (ages, sexes, names, valid-format unique resident ID numbers and mobile numbers), employers and
   other units, schools with classes, and venues of realistic kinds and sizes. Column arrays in frozen
   dataclasses (`tables`), ids are 0-based positions.
2. `life.iter_visits(city, day, rng, chunk)` — one day of visits (person, venue, start minute, stay,
   scanned) in chunks; `travel.depart` — trips out of the city and back.
3. `outbreak.Outbreak` — transmission in households, workplaces, classes and venues (co-presence by a
   semi-join from infectious people's visits), natural history, detection; ground truth as arrays.
4. `engine.run(n, days, seed, scenario)` — drives everything day by day and yields typed chunks: the city
   once, then per day trips, visit chunks and a summary, then the ground truth. `realism` reports
   plausibility figures. Scenarios are named parameter sets (`scenarios.get_scenario`).
5. `model` — the same transmission core in a well-mixed / branching mode, checked in the tests against
   closed-form results (final size, extinction probability, renewal-equation growth).

The output is shaped for a loader that writes the tables in bulk; nothing here touches a database."""

from __future__ import annotations

from lianfang.sim.city import generate_city
from lianfang.sim.engine import (
    CityChunk,
    DaySummary,
    SimChunk,
    TravelChunk,
    TruthChunk,
    VisitChunk,
    run,
)
from lianfang.sim.life import Visits, iter_visits
from lianfang.sim.realism import Realism, realism
from lianfang.sim.scenarios import Scenario, get_scenario, scenarios
from lianfang.sim.tables import City
from lianfang.sim.travel import Trips
from lianfang.sim.truth import GroundTruth, Infections

__all__ = [
    "City",
    "CityChunk",
    "DaySummary",
    "GroundTruth",
    "Infections",
    "Realism",
    "Scenario",
    "SimChunk",
    "TravelChunk",
    "Trips",
    "TruthChunk",
    "VisitChunk",
    "Visits",
    "generate_city",
    "get_scenario",
    "iter_visits",
    "realism",
    "run",
    "scenarios",
]
