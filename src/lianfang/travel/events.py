"""Events published by the travel module, for the modules above it (healthcodes reads pop-ups ① and ②,
control turns an observation requirement into an order). Re-flagging is set-based, so flags are announced
per run with their count; the durable facts are the rows (travel_flags, travel_observations)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskAreaChanged:
    risk_area_id: int
    place_code: str
    level: str
    active: bool


@dataclass(frozen=True)
class TravelFlagsRaised:
    """Pop-up ① raised for `count` people (risk_area_id None: a run over every listed area)."""

    risk_area_id: int | None
    count: int


@dataclass(frozen=True)
class TravelFlagsCleared:
    """Pop-up ① cleared for `count` people: reason lifted | expired | verified."""

    risk_area_id: int | None
    reason: str
    count: int


@dataclass(frozen=True)
class TravelFlagCleared:
    flag_id: int
    person_id: int
    reason: str


@dataclass(frozen=True)
class ObservationRequired:
    observation_id: int
    person_id: int
    kind: str
    edition: str
    mode: str
    starts_on: str
    isolation_ends_on: str
    popup2_until: str | None
