"""Daily life: plausible visit volumes, scanning compliance, venue choice, chunking and absence."""

from __future__ import annotations

import numpy as np
import pytest

from lianfang.sim import City, iter_visits
from lianfang.sim.activities import ERRANDS, Activity
from lianfang.sim.kinds import VenueKind
from lianfang.sim.life import Visits, concat_visits, life_of


def _day(city: City, day: int, seed: int = 0, **kwargs: object) -> Visits:
    return concat_visits(day, list(iter_visits(city, day, np.random.default_rng(seed), **kwargs)))  # type: ignore[arg-type]


def test_visits_per_person_per_day(city: City) -> None:
    life = life_of(city)
    weekday = next(d for d in range(7) if not life.is_weekend(d))
    weekend = next(d for d in range(7) if life.is_weekend(d))
    for day in (weekday, weekend):
        per_person = len(_day(city, day)) / len(city.persons)
        assert 2.0 <= per_person <= 4.0, (day, per_person)
    work = _day(city, weekday)
    assert (work.activity == Activity.WORK).sum() > 3 * (_day(city, weekend).activity == Activity.WORK).sum()


@pytest.mark.parametrize("compliance", [0.85, 0.5])
def test_scan_compliance(city: City, compliance: float) -> None:
    visits = _day(city, 3, compliance=compliance)
    assert abs(visits.scanned.mean() - compliance) < 0.02
    # Some people never scan at all: their visits are invisible to venue-code tracing.
    scanned_by = np.bincount(visits.person[visits.scanned], minlength=len(city.persons))
    visited = np.bincount(visits.person, minlength=len(city.persons)) >= 2
    assert ((scanned_by == 0) & visited).sum() > 0


def test_times_and_venues(city: City) -> None:
    visits = _day(city, 3)
    v, p = city.venues, city.persons
    assert visits.start.min() >= 0 and visits.start.max() <= 1439
    assert visits.stay.min() >= 1
    assert np.all((visits.venue >= 0) & (visits.venue < len(v)))
    kind = v.kind[visits.venue]
    work = visits.activity == Activity.WORK
    np.testing.assert_array_equal(visits.venue[work], city.units.venue[p.unit[visits.person[work]]])
    assert np.all(kind[visits.activity == Activity.SCHOOL] == VenueKind.SCHOOL)
    assert np.all(kind[visits.activity == Activity.METRO] == VenueKind.METRO_STATION)
    for errand in ERRANDS:
        assert np.all(kind[visits.activity == errand.activity] == errand.venue)
    # Errands are local: most supermarket trips stay in the home district.
    grocery = visits.activity == Activity.GROCERY
    same = v.district[visits.venue[grocery]] == p.district[visits.person[grocery]]
    assert same.mean() > 0.8
    # Lunch is eaten around noon.
    lunch = visits.start[visits.activity == Activity.LUNCH]
    assert 690 <= np.median(lunch) <= 750


def test_chunks_are_bounded_and_do_not_change_the_visits(city: City) -> None:
    small = list(iter_visits(city, 2, np.random.default_rng(9), chunk=7_000))
    assert all(len(c) <= 7_000 for c in small)
    assert all(len(c) == 7_000 for c in small[:-1])
    big = list(iter_visits(city, 2, np.random.default_rng(9), chunk=10**7))
    assert len(big) == 1
    a, b = concat_visits(2, small), big[0]
    for name in ("person", "venue", "start", "stay", "scanned", "activity"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_absent_people_make_no_visits(city: City) -> None:
    absent = np.zeros(len(city.persons), dtype=bool)
    absent[::3] = True
    visits = _day(city, 3, absent=absent)
    assert not absent[visits.person].any()
    assert len(visits) > 0


def test_bad_chunk_size(city: City) -> None:
    with pytest.raises(ValueError, match="chunk"):
        next(iter_visits(city, 0, np.random.default_rng(0), chunk=0))
