"""The driver: determinism, chunk order and bounds, bounded memory, ground-truth consistency and the
realism figures."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from lianfang.sim import (
    CityChunk,
    DaySummary,
    SimChunk,
    TravelChunk,
    TruthChunk,
    VisitChunk,
    realism,
    run,
)
from lianfang.sim.life import Visits, concat_visits
from lianfang.sim.transmission import NEVER, Setting
from lianfang.sim.travel import DESTINATIONS
from lianfang.sim.truth import Route


@pytest.fixture(scope="module")
def outbreak_run() -> list[SimChunk]:
    return list(run(8_000, 10, seed=4, scenario="traveller-cluster", chunk=5_000))


def _truth(chunks: list[SimChunk]) -> TruthChunk:
    last = chunks[-1]
    assert isinstance(last, TruthChunk)
    return last


def test_same_seed_same_output(assert_same: Callable[[Any, Any], None]) -> None:
    a = list(run(3_000, 4, seed=3, scenario="traveller-cluster", chunk=2_000))
    b = list(run(3_000, 4, seed=3, scenario="traveller-cluster", chunk=2_000))
    assert [type(x) for x in a] == [type(x) for x in b]
    for x, y in zip(a, b, strict=True):
        if isinstance(x, CityChunk):
            assert_same(x.city, y.city)  # type: ignore[union-attr]
        else:
            assert_same(x, y)


def test_other_seed_other_output() -> None:
    a = [c for c in run(2_000, 2, seed=1) if isinstance(c, VisitChunk)]
    b = [c for c in run(2_000, 2, seed=2) if isinstance(c, VisitChunk)]
    assert not np.array_equal(a[0].visits.venue[:100], b[0].visits.venue[:100])


def test_chunk_size_changes_slicing_only(assert_same: Callable[[Any, Any], None]) -> None:
    small = list(run(3_000, 3, seed=9, scenario="market-cluster", chunk=1_000))
    big = list(run(3_000, 3, seed=9, scenario="market-cluster", chunk=10**6))
    for day in range(3):
        a = concat_visits(day, [c.visits for c in small if isinstance(c, VisitChunk) and c.visits.day == day])
        b = concat_visits(day, [c.visits for c in big if isinstance(c, VisitChunk) and c.visits.day == day])
        assert_same(a, b)
    assert_same(_truth(small).truth, _truth(big).truth)


def test_chunk_order_and_bounds(outbreak_run: list[SimChunk]) -> None:
    assert isinstance(outbreak_run[0], CityChunk)
    assert outbreak_run[0].scenario.name == "traveller-cluster"
    summaries = [c for c in outbreak_run if isinstance(c, DaySummary)]
    assert [s.day for s in summaries] == list(range(10))
    visits = [c.visits for c in outbreak_run if isinstance(c, VisitChunk)]
    assert all(0 < len(v) <= 5_000 for v in visits)
    days = [v.day for v in visits]
    assert days == sorted(days)
    # Each day: trips first, then visits, then the summary.
    kinds = [type(c).__name__ for c in outbreak_run[1:-1]]
    assert kinds[0] == "TravelChunk" and kinds[-1] == "DaySummary"
    for s in summaries:
        assert s.visits == sum(len(v) for v in visits if v.day == s.day)


def _peak_bytes(chunks: Iterator[SimChunk]) -> int:
    tracemalloc.start()
    try:
        for _ in chunks:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_days() -> None:
    short = _peak_bytes(run(10_000, 2, seed=1, chunk=4_000))
    long = _peak_bytes(run(10_000, 10, seed=1, chunk=4_000))
    assert long < 1.3 * short  # one day of visits at a time, never the whole run


def test_ground_truth_is_consistent(outbreak_run: list[SimChunk]) -> None:
    city = outbreak_run[0].city  # type: ignore[union-attr]
    truth = _truth(outbreak_run).truth
    inf = truth.infections
    p = city.persons
    assert len(inf) >= 4  # the seeded tour group at least
    assert len(set(inf.infectee.tolist())) == len(inf)
    np.testing.assert_array_equal(truth.infected_day[inf.infectee], inf.day)
    infected = truth.infected_day != NEVER
    assert infected.sum() == len(inf)
    imported = inf.setting == Setting.IMPORTED
    assert np.all(inf.infector[imported] == -1)
    local = ~imported
    assert np.all(inf.infector[local] >= 0)
    assert np.all(truth.infected_day[inf.infector[local]] < inf.day[local])
    hh = inf.setting == Setting.HOUSEHOLD
    np.testing.assert_array_equal(p.household[inf.infector[hh]], p.household[inf.infectee[hh]])
    work = inf.setting == Setting.WORK
    np.testing.assert_array_equal(p.unit[inf.infector[work]], p.unit[inf.infectee[work]])
    school = inf.setting == Setting.SCHOOL
    np.testing.assert_array_equal(p.school_class[inf.infector[school]], p.school_class[inf.infectee[school]])
    assert np.all(inf.venue[inf.setting == Setting.VENUE] >= 0)
    # Natural history and detection.
    onset = truth.onset_day[infected]
    assert np.all((onset == NEVER) | (onset > truth.infected_day[infected]))
    assert np.all(truth.onset_day[truth.asymptomatic] == NEVER)
    detected = truth.detected_day != NEVER
    assert np.all(truth.detected_day[detected] > truth.infected_day[detected])
    assert not detected[~infected].any()
    assert np.all(truth.detection_route[detected] != Route.NONE)
    # Seeded travellers: trips to risk cities ending on day 0.
    trips = next(c.trips for c in outbreak_run if isinstance(c, TravelChunk))
    seeded = inf.infectee[imported & (inf.day < 0)]
    assert np.isin(seeded, trips.person).all()
    known = {code for code, _, _ in DESTINATIONS}
    assert set(trips.destination.tolist()) <= known
    assert set(trips.origin.tolist()) == {"110000"}
    assert all(trips.destination_name)
    assert np.all(trips.return_day > trips.depart_day)


def test_venue_infections_need_overlapping_visits(outbreak_run: list[SimChunk]) -> None:
    inf = _truth(outbreak_run).truth.infections
    venue = np.flatnonzero(inf.setting == Setting.VENUE)
    assert venue.shape[0] > 0
    by_day: dict[int, list[Visits]] = {}
    for c in outbreak_run:
        if isinstance(c, VisitChunk):
            by_day.setdefault(c.visits.day, []).append(c.visits)
    for k in venue[:50]:
        day_visits = concat_visits(int(inf.day[k]), by_day[int(inf.day[k])])
        at = day_visits.venue == inf.venue[k]
        a = at & (day_visits.person == inf.infector[k])
        b = at & (day_visits.person == inf.infectee[k])
        overlaps = np.minimum(day_visits.end[a][:, None], day_visits.end[b][None, :]) - np.maximum(
            day_visits.start[a][:, None], day_visits.start[b][None, :]
        )
        assert (overlaps > 0).any()
        assert (np.maximum(day_visits.start[a][:, None], day_visits.start[b][None, :]) <= inf.minute[k]).any()


def test_scanning_record(outbreak_run: list[SimChunk]) -> None:
    truth = _truth(outbreak_run).truth
    visits = [c.visits for c in outbreak_run if isinstance(c, VisitChunk)]
    total = sum(len(v) for v in visits)
    assert int(truth.visits_total.sum()) == total
    assert int(truth.visits_scanned.sum()) == sum(int(v.scanned.sum()) for v in visits)
    never = truth.never_scanned
    assert 0.005 < never.mean() < 0.15
    assert np.all(truth.visits_scanned[never] == 0)


def test_quiet_has_no_infections() -> None:
    truth = _truth(list(run(5_000, 7, seed=2, scenario="quiet")))
    assert len(truth.truth.infections) == 0
    assert np.all(truth.truth.infected_day == NEVER)


def test_realism_figures() -> None:
    figures = realism(run(20_000, 7, seed=1, scenario="traveller-cluster"))
    assert figures["persons"] == 20_000 and figures["days"] == 7
    assert 2.0 <= figures["visits_per_person_day"] <= 4.0  # type: ignore[operator]
    assert abs(figures["scanned_share"] - 0.85) < 0.02  # type: ignore[operator]
    assert 2.4 <= figures["household_size_mean"] <= 2.8  # type: ignore[operator]
    assert 0.0 < figures["trips_per_person"] < 0.1  # type: ignore[operator]
    venues = figures["venues"]
    assert isinstance(venues, dict) and "metro_station" in venues and "chess_card_room" in venues
    assert venues["restaurant"]["capacity_p90"] > venues["restaurant"]["capacity_median"]
    settings = figures["infections_by_setting"]
    assert isinstance(settings, dict) and abs(sum(settings.values()) - 1.0) < 1e-9
    assert "imported" in settings


def test_realism_needs_a_complete_run() -> None:
    with pytest.raises(ValueError, match="complete run"):
        realism(c for c in run(500, 1, seed=1) if not isinstance(c, TruthChunk))
