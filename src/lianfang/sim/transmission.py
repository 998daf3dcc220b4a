"""The transmission core shared by the city outbreak and the well-mixed / branching models.

Infectiousness of a person infected on day t0, on day t, is `ν · w[t − t0]` where `w` is the discretised
generation interval (Gamma, w[0] = 0, Σ w = 1) and `ν` an individual multiplier ~ Gamma(k, 1/k) (mean 1;
with Poisson contacts this gives negative-binomial offspring with dispersion k, Lloyd-Smith et al. 2005).
A susceptible exposed to total hazard h on a day is infected with probability 1 − exp(−h).

Co-presence at venues is a semi-join: a small set of "index" visits (by infectious people) against the
day's visits at the same venues, never all pairs of the city. `co_present_pairs` is the bucketed form of
ANALYTICS.md §4.3: both sides are expanded into every `bucket`-minute slot they span and joined on
(venue, slot); a pair is kept once, in the slot holding the later of the two start times, and only if the
intervals really overlap — so overlaps across a slot edge are found and never counted twice.
`co_present_pairs_sorted` gives the same pairs from a sorted range scan (long stays such as a working day
would otherwise be expanded into many slots) and can thin crowded venues to close contacts; the outbreak
uses it. Tests check both against brute force."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from lianfang.sim._arrays import F64, I64, Rng, expand_ranges

NEVER = np.iinfo(np.int16).max  # "no such day" in int16 day columns


class Setting(IntEnum):
    HOUSEHOLD = 0
    WORK = 1
    SCHOOL = 2
    VENUE = 3
    IMPORTED = 4
    COMMUNITY = 5  # well-mixed model only


@dataclass(frozen=True)
class GenerationInterval:
    """Gamma generation interval; the default (mean 5 d, sd 2.5 d) is in the range reported for Delta."""

    shape: float = 4.0
    scale: float = 1.25
    max_days: int = 14

    @property
    def mean(self) -> float:
        return self.shape * self.scale

    def weights(self) -> F64:
        """w[0..max_days]: w[0] = 0, w[τ] ∝ F(τ) − F(τ − 1), normalised to sum 1."""
        cdf = stats.gamma.cdf(np.arange(self.max_days + 1), self.shape, scale=self.scale)
        w = np.diff(cdf, prepend=0.0)
        w[0] = 0.0
        return np.asarray(w / w.sum(), dtype=np.float64)


def individual_multipliers(rng: Rng, n: int, k: float | None) -> F64:
    """ν ~ Gamma(k, 1/k), mean 1; all ones when k is None (no over-dispersion)."""
    if k is None:
        return np.ones(n, dtype=np.float64)
    return rng.gamma(k, 1.0 / k, size=n)


def infection_probability(hazard: npt.NDArray[np.floating[Any]]) -> F64:
    return np.asarray(-np.expm1(-np.asarray(hazard, dtype=np.float64)), dtype=np.float64)


def draw_infections(rng: Rng, hazard: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.bool_]:
    return rng.random(hazard.shape[0]) < infection_probability(hazard)


@dataclass(frozen=True)
class Pairs:
    index: I64  # position in the index visits
    other: I64  # position in the candidate visits
    overlap: I64  # minutes both were present


def co_present_pairs(
    index_venue: npt.NDArray[np.integer[Any]],
    index_start: npt.NDArray[np.integer[Any]],
    index_end: npt.NDArray[np.integer[Any]],
    venue: npt.NDArray[np.integer[Any]],
    start: npt.NDArray[np.integer[Any]],
    end: npt.NDArray[np.integer[Any]],
    bucket: int = 60,
) -> Pairs:
    """Every (index visit, candidate visit) at the same venue with overlapping [start, end) intervals."""
    i_venue, i_start, i_end = (np.asarray(a, dtype=np.int64) for a in (index_venue, index_start, index_end))
    c_venue, c_start, c_end = (np.asarray(a, dtype=np.int64) for a in (venue, start, end))
    slots = (int(max(i_end.max(initial=0), c_end.max(initial=0))) // bucket) + 2
    # Expand each side over the slots it spans.
    i_row, i_slot = expand_ranges(i_start // bucket, (np.maximum(i_end, i_start + 1) - 1) // bucket + 1)
    i_key = i_venue[i_row] * slots + i_slot
    order = np.argsort(i_key, kind="stable")
    i_row, i_key = i_row[order], i_key[order]
    c_row, c_slot = expand_ranges(c_start // bucket, (np.maximum(c_end, c_start + 1) - 1) // bucket + 1)
    c_key = c_venue[c_row] * slots + c_slot
    lo = np.searchsorted(i_key, c_key, side="left")
    hi = np.searchsorted(i_key, c_key, side="right")
    which, pos = expand_ranges(lo, hi)
    a = i_row[pos]
    b = c_row[which]
    slot = c_slot[which]
    later = np.maximum(i_start[a], c_start[b])
    overlap = np.minimum(i_end[a], c_end[b]) - later
    keep = (overlap > 0) & (later // bucket == slot)
    return Pairs(a[keep], b[keep], overlap[keep])


def co_present_pairs_sorted(
    index_venue: npt.NDArray[np.integer[Any]],
    index_start: npt.NDArray[np.integer[Any]],
    index_end: npt.NDArray[np.integer[Any]],
    venue: npt.NDArray[np.integer[Any]],
    start: npt.NDArray[np.integer[Any]],
    end: npt.NDArray[np.integer[Any]],
    keep: F64 | None = None,
    rng: Rng | None = None,
) -> Pairs:
    """Same result as `co_present_pairs` without slot expansion (used by the outbreak: long stays such as
    office days would be expanded into many slots). Candidates are sorted by (venue, start); an index
    visit [s, e) at venue v can only overlap candidates starting in [s − L_v, e), L_v being the longest
    candidate stay at v, so each index visit scans one contiguous range and keeps the real overlaps.

    With `keep` (a probability per index visit), each co-present pair is kept independently with that
    probability without enumerating the others: Poisson(−n·ln(1 − p)) uniform draws from a range of n,
    duplicates dropped, include each candidate with probability exactly p. The outbreak uses it for
    crowded venues, where one meets only a few of the people present (memory and time stay bounded)."""
    i_venue, i_start, i_end = (np.asarray(a, dtype=np.int64) for a in (index_venue, index_start, index_end))
    c_venue, c_start, c_end = (np.asarray(a, dtype=np.int64) for a in (venue, start, end))
    if i_venue.shape[0] == 0 or c_venue.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty.copy(), empty.copy())
    span = int(max(i_end.max(), c_end.max(), c_start.max())) + 2
    order = np.argsort(c_venue * span + c_start)
    key = (c_venue * span + c_start)[order]
    longest = np.zeros(int(max(i_venue.max(), c_venue.max())) + 1, dtype=np.int64)
    np.maximum.at(longest, c_venue, c_end - c_start)
    lo = np.searchsorted(key, i_venue * span + np.maximum(0, i_start - longest[i_venue]), side="left")
    hi = np.searchsorted(key, i_venue * span + i_end, side="left")
    if keep is None:
        a, pos = expand_ranges(lo, hi)
    else:
        if rng is None:
            msg = "sampling co-present pairs needs a random generator"
            raise ValueError(msg)
        a, pos = _thin(lo, hi, keep, rng)
    b = order[pos]
    overlap = np.minimum(i_end[a], c_end[b]) - np.maximum(i_start[a], c_start[b])
    real = overlap > 0
    return Pairs(a[real], b[real], overlap[real])


def _thin(lo: I64, hi: I64, keep: F64, rng: Rng) -> tuple[I64, I64]:
    """Each position of each range [lo_i, hi_i) independently with probability keep_i: (range, position)."""
    full = np.flatnonzero(keep >= 0.9)  # nearly everyone: enumerating is cheaper than sampling
    owner, pos_full = expand_ranges(lo[full], hi[full])
    part = np.flatnonzero(keep < 0.9)
    n = (hi - lo)[part]
    a = np.repeat(part, rng.poisson(-n * np.log1p(-keep[part])))
    pos = lo[a] + (rng.random(int(a.shape[0])) * (hi - lo)[a]).astype(np.int64)
    width = int(hi.max(initial=0)) + 1
    pair = np.sort(a * width + pos)
    if pair.shape[0]:
        pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])]  # a candidate drawn twice counts once
    return np.concatenate([full[owner], pair // width]), np.concatenate([pos_full, pair % width])


def first_per_infectee(infectee: I64, minute: I64, *columns: I64) -> tuple[I64, ...]:
    """Keep one event per infectee: the earliest minute (ties: first listed)."""
    order = np.lexsort((minute, infectee))
    infectee_sorted = infectee[order]
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = infectee_sorted[1:] != infectee_sorted[:-1]
    keep = order[first]
    return (infectee[keep], minute[keep], *(c[keep] for c in columns))
