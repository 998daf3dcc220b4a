"""The transmission core: co-presence semantics (including overlaps across a time-bucket edge, see
ANALYTICS.md §4.3), the generation interval, individual dispersion and infection resolution."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pytest

from lianfang.sim.transmission import (
    GenerationInterval,
    Pairs,
    co_present_pairs,
    co_present_pairs_sorted,
    first_per_infectee,
    individual_multipliers,
    infection_probability,
)

Join = Callable[..., Pairs]
JOINS = [
    pytest.param(partial(co_present_pairs, bucket=60), id="bucketed-60"),
    pytest.param(partial(co_present_pairs, bucket=15), id="bucketed-15"),
    pytest.param(co_present_pairs_sorted, id="sorted"),
]


def _arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


@pytest.mark.parametrize("join", JOINS)
def test_overlap_across_a_bucket_edge_is_co_presence(join: Join) -> None:
    # Index case 09:50–10:05, other visitor 10:02–10:20: the 10:00 bucket edge lies between their starts.
    pairs = join(_arr(7), _arr(590), _arr(605), _arr(7), _arr(602), _arr(620))
    assert pairs.index.tolist() == [0] and pairs.other.tolist() == [0]
    assert pairs.overlap.tolist() == [3]
    # And the other way round (the other visitor arrived first, across the edge).
    pairs = join(_arr(7), _arr(602), _arr(620), _arr(7), _arr(590), _arr(605))
    assert pairs.overlap.tolist() == [3]


@pytest.mark.parametrize("join", JOINS)
def test_long_stay_spanning_many_buckets_is_one_pair(join: Join) -> None:
    # An office day 09:00–18:00 and a 10-minute visit at 14:00: exactly one pair, 10 minutes.
    pairs = join(_arr(1), _arr(540), _arr(1080), _arr(1, 1), _arr(840, 1080), _arr(850, 1100))
    assert pairs.other.tolist() == [0]
    assert pairs.overlap.tolist() == [10]


@pytest.mark.parametrize("join", JOINS)
def test_not_co_present(join: Join) -> None:
    # Touching intervals (one leaves at 10:00 as the other arrives), another venue, or another time.
    pairs = join(_arr(3, 3, 3), _arr(540, 540, 540), _arr(600, 600, 600), _arr(3, 4, 3), _arr(600, 560, 700),
                 _arr(650, 580, 720))  # fmt: skip
    assert pairs.index.shape[0] == 0


@pytest.mark.parametrize("join", JOINS)
def test_joins_match_brute_force(join: Join) -> None:
    rng = np.random.default_rng(4)
    for _ in range(40):
        n, m, venues = int(rng.integers(1, 200)), int(rng.integers(1, 15)), int(rng.integers(1, 5))
        c_venue, c_start = rng.integers(0, venues, n), rng.integers(0, 1440, n)
        c_end = c_start + rng.integers(1, 600, n)
        i_venue, i_start = rng.integers(0, venues, m), rng.integers(0, 1440, m)
        i_end = i_start + rng.integers(1, 600, m)
        pairs = join(i_venue, i_start, i_end, c_venue, c_start, c_end)
        got = sorted(zip(pairs.index.tolist(), pairs.other.tolist(), pairs.overlap.tolist(), strict=True))
        want = sorted(
            (i, j, int(min(i_end[i], c_end[j]) - max(i_start[i], c_start[j])))
            for i in range(m)
            for j in range(n)
            if i_venue[i] == c_venue[j] and min(i_end[i], c_end[j]) > max(i_start[i], c_start[j])
        )
        assert got == want


def test_generation_interval() -> None:
    gi = GenerationInterval()
    w = gi.weights()
    assert w[0] == 0.0
    assert abs(w.sum() - 1.0) < 1e-12
    mean = float((np.arange(w.shape[0]) * w).sum())
    assert abs(mean - (gi.mean + 0.5)) < 0.3  # discretised on whole days after infection


def test_individual_multipliers() -> None:
    rng = np.random.default_rng(1)
    nu = individual_multipliers(rng, 200_000, 0.45)
    assert abs(nu.mean() - 1.0) < 0.02
    assert abs(nu.var() - 1 / 0.45) < 0.15
    assert np.all(individual_multipliers(rng, 10, None) == 1.0)


def test_infection_probability() -> None:
    p = infection_probability(np.array([0.0, 1e-12, 1.0, 50.0]))
    np.testing.assert_allclose(p, [0.0, 1e-12, 1 - np.exp(-1.0), 1.0])


def test_first_per_infectee_keeps_the_earliest() -> None:
    infectee, minute, infector = first_per_infectee(
        _arr(5, 3, 5, 3), _arr(700, 900, 600, 100), _arr(1, 2, 3, 4)
    )
    assert infectee.tolist() == [3, 5]
    assert minute.tolist() == [100, 600]
    assert infector.tolist() == [4, 3]


def test_thinned_join_keeps_each_pair_with_the_given_probability() -> None:
    rng = np.random.default_rng(0)
    n, m = 4_000, 40
    c_venue, c_start = rng.integers(0, 3, n), rng.integers(0, 1000, n)
    c_end = c_start + rng.integers(1, 500, n)
    i_venue, i_start = rng.integers(0, 3, m), rng.integers(0, 1000, m)
    i_end = i_start + rng.integers(1, 500, m)
    args = (i_venue, i_start, i_end, c_venue, c_start, c_end)
    exact = co_present_pairs_sorted(*args)
    exact_set = set(zip(exact.index.tolist(), exact.other.tolist(), strict=True))
    for p in (0.05, 0.4, 0.95):
        kept = 0
        for _ in range(20):
            pairs = co_present_pairs_sorted(*args, keep=np.full(m, p), rng=rng)
            got = list(zip(pairs.index.tolist(), pairs.other.tolist(), strict=True))
            assert len(set(got)) == len(got)  # no pair twice
            assert set(got) <= exact_set  # only real co-presence
            kept += len(got)
        share = kept / (20 * len(exact_set))
        assert abs(share - min(1.0, p if p < 0.9 else 1.0)) < 0.02, (p, share)
    with pytest.raises(ValueError, match="random generator"):
        co_present_pairs_sorted(*args, keep=np.full(m, 0.5))
