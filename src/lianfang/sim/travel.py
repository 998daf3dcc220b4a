"""Travel out of the city and back: each day a small share of residents (16+) leave for another
prefecture-level city (GB/T 2260 codes) and return some days later; while away they make no visits in
Beijing. Trips to a scenario's risk cities may bring an infection home."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lianfang.sim._arrays import I16, I32, B, Rng, U
from lianfang.sim.tables import City

# (code, name, weight): nearby Hebei/Tianjin most often, then large cities; the last rows are the October
# 2021 risk areas.
DESTINATIONS: tuple[tuple[str, str, float], ...] = (
    ("120100", "天津市", 10.0),
    ("131000", "廊坊市", 8.0),
    ("130600", "保定市", 6.0),
    ("130100", "石家庄市", 5.0),
    ("130700", "张家口市", 4.0),
    ("310100", "上海市", 6.0),
    ("440100", "广州市", 3.0),
    ("440300", "深圳市", 3.0),
    ("330100", "杭州市", 3.0),
    ("320100", "南京市", 2.5),
    ("510100", "成都市", 2.5),
    ("420100", "武汉市", 2.0),
    ("410100", "郑州市", 2.0),
    ("370200", "青岛市", 2.0),
    ("210100", "沈阳市", 2.0),
    ("230100", "哈尔滨市", 1.5),
    ("150100", "呼和浩特市", 1.5),
    ("610100", "西安市", 2.0),
    ("620100", "兰州市", 0.8),
    ("640100", "银川市", 0.6),
    ("152900", "阿拉善盟", 0.3),
)
HOME_CITY = "110000"


@dataclass(frozen=True, eq=False)
class Trips:
    """Trips departing on `day` (or, for seeded travellers, earlier). Origin is Beijing (110000)."""

    day: int
    person: I32
    destination: U  # GB/T 2260 code of the prefecture-level city
    depart_day: I16
    return_day: I16  # first day back in Beijing

    def __len__(self) -> int:
        return int(self.person.shape[0])

    @property
    def origin(self) -> U:
        """GB/T 2260 code of the city left (residents' trips start and end in Beijing)."""
        return np.full(len(self), HOME_CITY)

    @property
    def destination_name(self) -> U:
        names = {code: name for code, name, _ in DESTINATIONS}
        return np.array([names.get(str(code), "") for code in self.destination.tolist()], dtype=np.str_)


def destination_codes() -> U:
    return np.array([d[0] for d in DESTINATIONS])


def depart(city: City, day: int, rate: float, away_until: I16, rng: Rng) -> Trips:
    """Residents leaving today; updates `away_until` in place (a person is away while day < away_until)."""
    n = len(city.persons)
    home = (away_until <= day) & (city.persons.age >= 16)
    leave = np.flatnonzero(home & (rng.random(n) < rate))
    weights = np.array([d[2] for d in DESTINATIONS])
    dest = rng.choice(len(DESTINATIONS), size=leave.shape[0], p=weights / weights.sum())
    length = np.minimum(14, 1 + rng.geometric(0.3, size=leave.shape[0]))
    back = (day + length).astype(np.int16)
    away_until[leave] = back
    return Trips(
        day=day,
        person=leave.astype(np.int32),
        destination=destination_codes()[dest],
        depart_day=np.full(leave.shape[0], day, dtype=np.int16),
        return_day=back,
    )


def away_mask(away_until: I16, day: int) -> B:
    return away_until > day
