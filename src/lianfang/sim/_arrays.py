"""Small numpy helpers shared by the generators: typed array aliases, fixed-width strings built from code
points, grouped (CSR) indexes and weighted picks inside groups. Everything here is vectorised."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
U = npt.NDArray[np.str_]
D = npt.NDArray[np.datetime64]
Rng = np.random.Generator
AnyArray = npt.NDArray[Any]

_ZERO = ord("0")


def strings_from_codepoints(codes: npt.NDArray[np.uint32]) -> U:
    """Rows of Unicode code points (0 = padding at the end) to a fixed-width string array, without a loop."""
    rows, width = codes.shape
    flat = np.ascontiguousarray(codes, dtype=np.uint32)
    return flat.view(np.dtype(f"U{width}")).reshape(rows)


def digit_codepoints(
    values: npt.NDArray[np.integer[Any]], width: int, out: npt.NDArray[np.uint32] | None = None
) -> npt.NDArray[np.uint32]:
    """Zero-padded decimal digits of non-negative integers as code points, shape (n, width); written into
    `out` (e.g. a column slice of a wider buffer) when given. Column by column, so memory stays ~n words."""
    n = int(values.shape[0])
    result = np.empty((n, width), dtype=np.uint32) if out is None else out
    v = values.astype(np.int64)
    for k in range(width):
        result[:, k] = (v // 10 ** (width - 1 - k)) % 10 + _ZERO
    return result


def codepoints_of(chars: str) -> npt.NDArray[np.uint32]:
    return np.array([ord(c) for c in chars], dtype=np.uint32)


def group_starts(sorted_keys: npt.NDArray[np.integer[Any]], n_groups: int) -> I64:
    """For keys sorted ascending in [0, n_groups): start offsets, length n_groups + 1 (CSR row pointer)."""
    return np.searchsorted(sorted_keys, np.arange(n_groups + 1), side="left").astype(np.int64)


def csr(keys: npt.NDArray[np.integer[Any]], n_groups: int) -> tuple[I64, I64]:
    """(order, starts): members of group g are order[starts[g]:starts[g + 1]], in their original order."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    return order, group_starts(keys[order], n_groups)


def rank_in_group(sorted_keys: npt.NDArray[np.integer[Any]]) -> I64:
    """0, 1, 2, ... inside each run of equal keys of an already sorted array."""
    n = sorted_keys.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new[1:])
    start_of_run = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return (np.arange(n) - start_of_run).astype(np.int64)


def expand_ranges(lo: I64, hi: I64) -> tuple[I64, I64]:
    """All integers of the half-open ranges [lo_i, hi_i): (which range, value), concatenated in order."""
    counts = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(lo.shape[0], dtype=np.int64), counts)
    if owner.shape[0] == 0:
        return owner, owner.copy()
    offsets = np.cumsum(counts) - counts
    values = np.arange(owner.shape[0], dtype=np.int64) - offsets[owner] + lo[owner]
    return owner, values


class WeightedGroups:
    """Items sorted by a group key with a weight each; picks an item inside a group with probability
    proportional to weight. `items` maps positions back to the caller's ids."""

    def __init__(self, items: I64, groups: npt.NDArray[np.integer[Any]], weights: F64, n_groups: int) -> None:
        order = np.argsort(groups, kind="stable")
        self.items: I64 = items[order].astype(np.int64)
        self.starts: I64 = group_starts(groups[order], n_groups)
        self.cum0: F64 = np.concatenate([[0.0], np.cumsum(weights[order], dtype=np.float64)])

    @property
    def size(self) -> int:
        return int(self.items.shape[0])

    def count(self, group: npt.NDArray[np.integer[Any]]) -> I64:
        return np.asarray(self.starts[group + 1] - self.starts[group], dtype=np.int64)

    def pick(self, group: npt.NDArray[np.integer[Any]], u: F64) -> I64:
        """Item id per query (group, uniform u in [0, 1)); -1 where the group is empty."""
        return self.pick_range(self.starts[group], self.starts[group + 1], u)

    def pick_range(self, lo: I64, hi: I64, u: F64) -> I64:
        """Weighted pick among positions [lo, hi) of the sorted items; -1 where the range is empty."""
        out = np.full(lo.shape[0], -1, dtype=np.int64)
        ok = hi > lo
        if not ok.any():
            return out
        lo_ok, hi_ok = lo[ok], hi[ok]
        base = self.cum0[lo_ok]
        target = base + u[ok] * (self.cum0[hi_ok] - base)
        pos = np.searchsorted(self.cum0, target, side="right") - 1
        pos = np.clip(pos, lo_ok, hi_ok - 1)
        out[ok] = self.items[pos]
        return out


def randomised_round(rng: Rng, values: F64) -> I64:
    """Round to an integer up or down at random so the expectation is kept."""
    floor = np.floor(values)
    return (floor + (rng.random(values.shape[0]) < values - floor)).astype(np.int64)


class LocalPicker:
    """Weighted pick of an item near a place: in the same street, else in the same district, else anywhere
    in the city. A share `spread` of picks is made district-wide even when the street has items.
    Streets must be numbered district by district (street ids sorted by district)."""

    def __init__(
        self,
        items: I64,
        item_street: npt.NDArray[np.integer[Any]],
        weights: F64,
        street_district: npt.NDArray[np.integer[Any]],
        n_districts: int,
    ) -> None:
        n_streets = int(street_district.shape[0])
        self.groups = WeightedGroups(items, item_street, weights, n_streets)
        first_street = group_starts(street_district, n_districts)
        self.district_lo: I64 = self.groups.starts[first_street[:-1]]
        self.district_hi: I64 = self.groups.starts[first_street[1:]]

    @property
    def size(self) -> int:
        return self.groups.size

    def pick(
        self,
        street: npt.NDArray[np.integer[Any]],
        district: npt.NDArray[np.integer[Any]],
        rng: Rng,
        spread: float = 0.0,
        city_fallback: bool = True,
    ) -> I64:
        starts = self.groups.starts
        lo, hi = starts[street], starts[street + 1]
        widen = hi <= lo
        if spread > 0:
            widen |= rng.random(street.shape[0]) < spread
        lo = np.where(widen, self.district_lo[district], lo)
        hi = np.where(widen, self.district_hi[district], hi)
        if city_fallback:
            empty = hi <= lo
            lo = np.where(empty, 0, lo)
            hi = np.where(empty, self.groups.size, hi)
        return self.groups.pick_range(lo, hi, rng.random(int(street.shape[0])))
