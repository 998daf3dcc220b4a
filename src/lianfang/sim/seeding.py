"""How infections enter the city: scenario seeds at day 0 (a returning tour group, market staff, pupils of
one class) and infections brought home from trips to risk cities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lianfang.sim._arrays import I64
from lianfang.sim.kinds import VenueKind
from lianfang.sim.transmission import Setting
from lianfang.sim.travel import Trips

if TYPE_CHECKING:
    from lianfang.sim.outbreak import Outbreak


def seed(ob: Outbreak, trips_start: int = -10) -> Trips | None:
    """Scenario seeds at day 0. Returns the seeded travellers' trips, if any."""
    sc, rng, p = ob.sc, ob.rng, ob.city.persons
    count = sc.seed_count
    if sc.seed_kind == "none" or count == 0:
        return None
    if sc.seed_kind == "travellers":
        # A tour group: an older couple plus friends of the same age, back from risk areas today.
        older = (p.age >= 55) & (p.age <= 75)
        if not older.any():  # a tiny city: any adult (or anyone) will do
            older = p.age >= 18 if (p.age >= 18).any() else np.ones(ob.n, dtype=bool)
        nxt = np.minimum(np.arange(ob.n) + 1, ob.n - 1)
        couples = np.flatnonzero(older & (p.relation == 0) & older[nxt] & (p.household[nxt] == p.household))
        first = int(rng.choice(couples)) if couples.shape[0] else int(rng.choice(np.flatnonzero(older)))
        group = [first, first + 1] if couples.shape[0] else [first]
        others = np.setdiff1d(np.flatnonzero(older), group)
        extra = min(others.shape[0], max(0, count - len(group)))
        group += rng.choice(others, size=extra, replace=False).tolist()
        who = np.array(group[:count], dtype=np.int64)
        _seeded(ob, who, np.full(who.shape[0], -1))
        dest = np.array(sc.risk_cities)[rng.integers(0, len(sc.risk_cities), who.shape[0])]
        return Trips(
            0,
            who.astype(np.int32),
            dest,
            np.full(who.shape[0], trips_start, dtype=np.int16),
            np.zeros(who.shape[0], dtype=np.int16),
        )
    if sc.seed_kind == "market":
        v = ob.city.venues
        markets = np.flatnonzero(v.kind == int(VenueKind.MARKET))
        market = int(markets[np.argmax(v.capacity[markets])])
        staff = np.flatnonzero(ob.staff & (ob.work_venue == market))
        pool = staff if staff.shape[0] >= count else np.flatnonzero(ob.staff)
        who = rng.choice(pool, size=min(count, pool.shape[0]), replace=False).astype(np.int64)
        venue = np.full(who.shape[0], market)
    elif sc.seed_kind == "school":
        pupils = np.flatnonzero((ob.school_class >= 0) & (p.age >= 6) & (p.age <= 11))
        if pupils.shape[0] == 0:
            pupils = np.flatnonzero(ob.school_class >= 0)
        if pupils.shape[0] == 0:
            pool = np.arange(ob.n)
        else:
            pool = np.flatnonzero(ob.school_class == ob.school_class[int(rng.choice(pupils))])
        who = rng.choice(pool, size=min(count, pool.shape[0]), replace=False).astype(np.int64)
        venue = np.full(who.shape[0], -1)
    else:
        msg = f"unknown seed kind {sc.seed_kind!r}"
        raise ValueError(msg)
    _seeded(ob, who, venue)
    return None


def _seeded(ob: Outbreak, who: I64, venue: I64) -> None:
    m, rng = int(who.shape[0]), ob.rng
    ob.infect(
        who,
        -rng.integers(1, 4, m),
        rng.integers(480, 1320, m),
        np.full(m, -1),
        np.full(m, int(Setting.IMPORTED)),
        venue,
    )
    if ob.sc.seed_infectiousness is not None:
        ob.nu[who] = ob.sc.seed_infectiousness


def import_from_trips(ob: Outbreak, trips: Trips) -> None:
    """Trips to risk cities may bring an infection home (infected the day before returning)."""
    if len(trips) == 0 or ob.sc.import_probability <= 0:
        return
    risky = np.isin(trips.destination, np.array(ob.sc.risk_cities))
    hit = risky & (ob.rng.random(len(trips)) < ob.sc.import_probability)
    hit &= ob.susceptible()[trips.person]
    who = trips.person[hit].astype(np.int64)
    if who.shape[0] == 0:
        return
    back = trips.return_day[hit].astype(np.int64)
    m = int(who.shape[0])
    ob.infect(
        who,
        back - 1,
        ob.rng.integers(480, 1320, m),
        np.full(m, -1),
        np.full(m, int(Setting.IMPORTED)),
        np.full(m, -1),
    )
