"""Named scenario parameter sets (a registry). A scenario fixes the start date, how infections enter the
city, transmission strengths per setting, the natural history and how cases get detected.

- `quiet`: baseline; no seeded infections, imports practically never happen.
- `traveller-cluster`: the October 2021 pattern — a tour group returning to Beijing from risk areas on the
  Xi'an → Gansu → Inner Mongolia (额济纳旗) route seeds a cluster (Delta-like transmission).
- `market-cluster`: the June 2020 新发地 pattern — undetected infections among staff of a large wet market.
- `school-outbreak`: seeds among primary-school pupils, for class-level tracing demos."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from lianfang.sim.transmission import GenerationInterval

RISK_CITIES = ("152900", "620100", "610100", "640100")  # 阿拉善盟, 兰州市, 西安市, 银川市


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start_date: date = date(2021, 10, 16)
    # How infections enter.
    seed_kind: str = "none"  # none | travellers | market | school
    seed_count: int = 0
    seed_infectiousness: float | None = None  # fixed ν of the seeds (a highly infectious index case)
    risk_cities: tuple[str, ...] = RISK_CITIES
    import_probability: float = 0.0  # per trip to a risk city, infected while away
    travel_rate: float = 0.002  # share of residents (16+) leaving the city on a given day
    # Transmission.
    beta_household: float = 0.70  # hazard per household pair over a whole infection (Σ w = 1)
    beta_work: float = 0.15  # per sampled co-worker contact
    work_contacts: int = 8  # co-workers met per working day
    beta_school: float = 0.035  # per classmate
    beta_venue: float = 0.009  # per close co-present hour, times the venue kind's beta
    dispersion_k: float | None = 0.45
    generation_interval: GenerationInterval = field(default_factory=GenerationInterval)
    # Natural history (days).
    asymptomatic_share: float = 0.30
    asymptomatic_infectiousness: float = 0.5
    incubation_median: float = 4.4
    incubation_sigma: float = 0.45  # log-normal
    # Detection.
    care_seeking: float = 0.6  # symptomatic who go to a (fever) clinic or hospital
    pharmacy_report: float = 0.25  # of the rest: buy fever medicine (real-name, reported → tested)
    care_delay_mean: float = 1.5  # days from onset to the visit
    result_delay: int = 1  # days from test to result
    screening_rate: float = 0.01  # daily share of residents tested in routine screening
    key_group_screening_rate: float = 1 / 7  # staff of hospitals, clinics, shops, markets, cleaning ...
    sensitivity: float = 0.9
    scan_compliance: float = 0.85


_REGISTRY: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if scenario.name in _REGISTRY:
        msg = f"scenario {scenario.name!r} is already registered"
        raise ValueError(msg)
    _REGISTRY[scenario.name] = scenario
    return scenario


def get_scenario(name: str, **overrides: Any) -> Scenario:
    try:
        scenario = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        msg = f"unknown scenario {name!r}; known: {known}"
        raise KeyError(msg) from None
    return replace(scenario, **overrides) if overrides else scenario


def scenarios() -> Mapping[str, Scenario]:
    return MappingProxyType(_REGISTRY)


register(
    Scenario(
        "quiet",
        "Baseline: ordinary life, no seeded infections and a negligible import risk.",
        seed_kind="none",
        import_probability=0.0,
    )
)
register(
    Scenario(
        "traveller-cluster",
        "October 2021: a tour group back from risk areas (额济纳旗 / 兰州 / 西安) seeds a Delta cluster.",
        seed_kind="travellers",
        seed_count=4,
        seed_infectiousness=3.0,
        import_probability=0.002,
    )
)
register(
    Scenario(
        "market-cluster",
        "June 2020 新发地 pattern: infections among staff of the largest wet market, none detected yet.",
        start_date=date(2020, 6, 1),
        seed_kind="market",
        seed_count=4,
        beta_venue=0.012,
    )
)
register(
    Scenario(
        "school-outbreak",
        "Infections seeded among pupils of one primary school; spreads by class and household.",
        start_date=date(2021, 11, 1),
        seed_kind="school",
        seed_count=3,
        seed_infectiousness=2.0,
        beta_school=0.05,
    )
)
