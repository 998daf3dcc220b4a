"""Homogeneous (well-mixed) mode of the transmission core, for analytic checks (ANALYTICS.md §3.4).

Each day every infected person exerts hazard `R0/N · ν · w[t − t0]` on every susceptible, using the same
generation interval, individual multipliers and hazard→probability rule as the city outbreak
(`lianfang.sim.transmission`). New infections per replicate are Binomial(S, 1 − exp(−Λ)) (all susceptibles
face the same Λ). Many independent replicates run side by side in flat arrays, so thousands of small runs
(extinction probability) or a few large ones (final size, growth / Rt) are cheap. In the large-N limit:

- the final size z solves z = 1 − exp(−R0·z) (any generation interval, any infectivity spread);
- each person's offspring count is Poisson(R0·ν), i.e. NB(mean R0, dispersion k), so the probability of
  extinction q solves q = (1 + R0(1 − q)/k)^(−k);
- expected incidence follows the renewal equation E[I_t] = R0·(S_t/N)·Σ_s w_s I_{t−s}."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize  # type: ignore[import-untyped, unused-ignore]

from lianfang.sim._arrays import F64, I64, Rng
from lianfang.sim.transmission import GenerationInterval, individual_multipliers, infection_probability


@dataclass(frozen=True)
class WellMixedResult:
    incidence: I64  # (replicates, days + 1): day 0 holds the seeds
    population: int
    stopped: np.ndarray[tuple[int], np.dtype[np.bool_]] = field(repr=False)  # reached stop_at

    @property
    def final_size(self) -> F64:
        return np.asarray(self.incidence.sum(axis=1) / self.population, dtype=np.float64)


def simulate_well_mixed(
    population: int,
    r0: float,
    days: int,
    rng: Rng,
    seeds: int = 1,
    k: float | None = None,
    replicates: int = 1,
    gi: GenerationInterval | None = None,
    stop_at: int | None = None,
) -> WellMixedResult:
    """Chain-binomial renewal SIR. A replicate whose cumulative infections reach `stop_at` is frozen
    (counts as a major outbreak); with stop_at None every replicate runs all days."""
    w = (gi or GenerationInterval()).weights()
    tmax = w.shape[0] - 1
    beta = r0 / population
    incidence = np.zeros((replicates, days + 1), dtype=np.int64)
    incidence[:, 0] = seeds
    susceptible = np.full(replicates, population - seeds, dtype=np.int64)
    cumulative = np.full(replicates, seeds, dtype=np.int64)
    stopped = np.zeros(replicates, dtype=bool)
    # Flat list of currently infectious people across replicates.
    run = np.repeat(np.arange(replicates, dtype=np.int64), seeds)
    day0 = np.zeros(run.shape[0], dtype=np.int64)
    nu = individual_multipliers(rng, run.shape[0], k)
    for t in range(1, days + 1):
        age = t - day0
        live = age <= tmax
        run, day0, nu, age = run[live], day0[live], nu[live], age[live]
        if run.shape[0] == 0:
            break
        force = beta * np.bincount(run, weights=nu * w[age], minlength=replicates)
        force[stopped] = 0.0
        new = rng.binomial(susceptible, infection_probability(force))
        incidence[:, t] = new
        susceptible -= new
        cumulative += new
        if stop_at is not None:
            stopped |= cumulative >= stop_at
        total = int(new.sum())
        if total:
            run = np.concatenate([run, np.repeat(np.arange(replicates, dtype=np.int64), new)])
            day0 = np.concatenate([day0, np.full(total, t, dtype=np.int64)])
            nu = np.concatenate([nu, individual_multipliers(rng, total, k)])
        if stop_at is not None:
            keep = ~stopped[run]
            run, day0, nu = run[keep], day0[keep], nu[keep]
    return WellMixedResult(incidence, population, stopped)


def extinction_probability(
    r0: float, k: float | None, rng: Rng, replicates: int = 4_000, major: int = 200, days: int = 200
) -> float:
    """Share of single-seed runs in a large population that die out before `major` infections."""
    result = simulate_well_mixed(10**7, r0, days, rng, seeds=1, k=k, replicates=replicates, stop_at=major)
    return float(1.0 - result.stopped.mean())


def final_size_theory(r0: float) -> float:
    """Root z in (0, 1) of z = 1 − exp(−R0·z) (0 when R0 ≤ 1)."""
    if r0 <= 1.0:
        return 0.0
    return float(optimize.brentq(lambda z: z - 1.0 + np.exp(-r0 * z), 1e-9, 1.0))


def extinction_theory(r0: float, k: float | None) -> float:
    """Smallest root q in [0, 1] of q = G(q) for NB(R0, k) offspring (Poisson when k is None)."""

    def pgf(q: float) -> float:
        if k is None:
            return float(np.exp(-r0 * (1.0 - q)))
        return float((1.0 + r0 * (1.0 - q) / k) ** (-k))

    if r0 <= 1.0:
        return 1.0
    return float(optimize.brentq(lambda q: pgf(q) - q, 0.0, 1.0 - 1e-9))
