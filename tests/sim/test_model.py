"""Analytic checks of the transmission core in its well-mixed / branching mode (ANALYTICS.md §3.4):
final size, extinction probability with negative-binomial offspring, and growth / Rt through a
renewal-equation (Cori et al. 2013 style) estimate written here."""

from __future__ import annotations

import numpy as np
import pytest

from lianfang.sim.model import (
    extinction_probability,
    extinction_theory,
    final_size_theory,
    simulate_well_mixed,
)
from lianfang.sim.transmission import GenerationInterval


@pytest.mark.parametrize(
    ("r0", "z"), [(1.2, 0.3137), (1.5, 0.5828), (2.0, 0.7968), (2.5, 0.8926), (3.0, 0.9405)]
)
def test_final_size_theory_matches_reference(r0: float, z: float) -> None:
    assert abs(final_size_theory(r0) - z) < 5e-5


@pytest.mark.parametrize(
    ("r0", "k", "q"),
    [(2.0, 0.1, 0.8904), (2.0, 0.45, 0.6617), (2.0, 1.0, 0.5), (2.0, None, 0.2032),
     (2.5, 0.1, 0.8607), (2.5, 0.45, 0.5830), (2.5, 1.0, 0.4), (2.5, None, 0.1074)],
)  # fmt: skip
def test_extinction_theory_matches_reference(r0: float, k: float | None, q: float) -> None:
    assert abs(extinction_theory(r0, k) - q) < 5e-5


@pytest.mark.parametrize("r0", [1.5, 2.0, 2.5])
def test_final_size_of_a_simulated_epidemic(r0: float) -> None:
    result = simulate_well_mixed(20_000, r0, 400, np.random.default_rng(int(r0 * 10)), seeds=20, replicates=3)
    sizes = result.final_size
    assert np.all(sizes > 0.2)  # 20 seeds: a major outbreak every time
    # sd of the final size at N = 20,000 is ≈ 0.01 for R0 = 1.5 and smaller above; three replicates averaged.
    assert abs(sizes.mean() - final_size_theory(r0)) < 0.02


def test_final_size_holds_with_overdispersion() -> None:
    result = simulate_well_mixed(20_000, 2.0, 400, np.random.default_rng(3), seeds=50, k=0.45, replicates=3)
    assert abs(result.final_size.mean() - final_size_theory(2.0)) < 0.02


@pytest.mark.parametrize(("k", "q"), [(0.45, 0.6617), (1.0, 0.5)])
def test_extinction_probability_of_simulated_runs(k: float, q: float) -> None:
    # 4,000 single-seed runs: standard error ≈ 0.0075, tolerance ≈ 4 SE.
    observed = extinction_probability(2.0, k, np.random.default_rng(17), replicates=4_000)
    assert abs(observed - q) < 0.03


def _cori_mean(incidence: np.ndarray, w: np.ndarray, window: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean R over sliding windows (EpiEstim's closed form, prior Gamma(1, scale 5)); all cases on
    day 0 are imported. Returns (window end days, posterior means)."""
    t_max = incidence.shape[0]
    lam = np.zeros(t_max)
    for t in range(1, t_max):
        s = np.arange(1, min(t, w.shape[0] - 1) + 1)
        lam[t] = float((w[s] * incidence[t - s]).sum())
    local = incidence.astype(float).copy()
    local[0] = 0.0
    ends = np.arange(window, t_max)
    cases = np.array([local[e - window + 1 : e + 1].sum() for e in ends])
    infectivity = np.array([lam[e - window + 1 : e + 1].sum() for e in ends])
    return ends, (1.0 + cases) / (1 / 5 + infectivity)


def test_renewal_estimate_recovers_r() -> None:
    r0, n = 1.5, 2_000_000
    gi = GenerationInterval()
    result = simulate_well_mixed(n, r0, 45, np.random.default_rng(8), seeds=200, gi=gi)
    incidence = result.incidence[0]
    ends, means = _cori_mean(incidence, gi.weights())
    susceptible = 1 - np.cumsum(incidence) / n
    truth = r0 * susceptible[ends - 1]  # R_t = R0 · S/N
    late = ends >= 20  # after the seeds' generation has passed
    assert np.all(np.abs(means[late] / truth[late] - 1) < 0.1)
    assert abs(np.mean(means[late] / truth[late]) - 1) < 0.03


def test_growth_rate_matches_r() -> None:
    """Wallinga & Lipsitch 2007: R = 1 / M(−r), with M the moment generating function of the (discrete)
    generation interval."""
    r0, n = 2.0, 5_000_000
    gi = GenerationInterval()
    w = gi.weights()
    incidence = simulate_well_mixed(n, r0, 40, np.random.default_rng(2), seeds=500, gi=gi).incidence[0]
    days = np.arange(20, 36)
    r = np.polyfit(days, np.log(incidence[days]), 1)[0]
    implied = 1.0 / float((w * np.exp(-r * np.arange(w.shape[0]))).sum())
    depletion = 1 - incidence[: days[-1]].sum() / n
    assert abs(implied - r0 * depletion) / r0 < 0.05
