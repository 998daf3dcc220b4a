"""Dashboard parameters: which daily metrics exist, how many days are shown, and the serial interval
used for Rt. RULES.md and ANALYTICS.md fix no serial interval for the city: the defaults below are an
assumption of this rule set (an Omicron-like short interval), shown on the page, and meant to be set by
the analysts (`lianfang rt ... --si-mean --si-sd` for other values).

Time-varying reproduction number R_t from daily incidence (Cori et al. 2013).

Method: A. Cori, N. M. Ferguson, C. Fraser, S. Cauchemez, "A new framework and software to estimate
time-varying reproduction numbers during epidemics", Am. J. Epidemiol. 178(9):1505-1512 (2013), with the
offset-gamma serial-interval discretisation of its Web Appendix 11. The behaviour matches the R package
EpiEstim 3.0.0 (snapshot HEAD 4029826) as specified in shared/domain/ANALYTICS.md section 1.1 for the
certain-SI ("non_parametric_si" and "parametric_si") methods; the code is written from those formulas.

For each window [t_s, t_e] (1-based days, inclusive) the posterior of R is
Gamma(shape a0 + sum of local cases, scale 1 / (1/b0 + sum of total infectiousness)), where the total
infectiousness Lambda_t = sum_{s>=1} w_s (local + imported)_{t-s} counts imported cases as infectors and
only local cases as infectees."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

EDITION = "dashboard-2022.1"


SHOWN_DAYS = 30


RT_DAYS = 60  # days of counts Rt is estimated from (the refresh keeps this many)


ROUNDS_SHOWN = 10


SI_MEAN = 3.5  # days, assumed (see module docstring)


SI_SD = 2.4


WINDOW = 7  # days per Rt window (EpiEstim's default weekly window)


CASE_METRICS = (
    "cases.confirmed.local",
    "cases.confirmed.imported",
    "cases.asymptomatic.local",
    "cases.asymptomatic.imported",
)


LOCAL = ("cases.confirmed.local", "cases.asymptomatic.local")


IMPORTED = ("cases.confirmed.imported", "cases.asymptomatic.imported")


ALL_DAILY = (*CASE_METRICS, "cases.under_control", "contacts.found", "contacts.controlled_24h", "scans")


ORDER_KINDS = ("centralised", "home_quarantine", "home_monitoring")


ZONE_LEVELS = ("sealed", "controlled", "prevention", "high", "medium", "low")


FloatArray = npt.NDArray[np.float64]


ArrayLike = Sequence[float] | npt.NDArray[np.floating] | npt.NDArray[np.integer]


def _gamma() -> Any:
    """scipy.stats' gamma, imported on first use: importing scipy.stats adds ~80 MB to every server
    process that imports the app, which most never use (see benchmarks.md, venue scans)."""
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    return stats.gamma


QUANTILES: tuple[float, ...] = (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)


CV_POSTERIOR = 0.3


SI_SUM_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class RtWindow:
    """Posterior summary of R over days t_start..t_end (1-based, inclusive)."""

    t_start: int
    t_end: int
    mean: float
    std: float
    quantiles: Mapping[float, float]

    @property
    def median(self) -> float:
        return self.quantiles[0.5]


@dataclass(frozen=True, slots=True)
class RtResult:
    """Estimates per reported window, the serial interval's mean and the low-case warning flag.

    `low_case_warning` is set when the first requested window holds fewer (local + imported) cases than
    ceil(1/cv^2 - a0) with cv = 0.3, i.e. too few to reach a posterior coefficient of variation of 30 %.
    """

    windows: tuple[RtWindow, ...]
    mean_si: float
    low_case_warning: bool


def discretised_si(mean: float, sd: float, length: int) -> FloatArray:
    """Offset-gamma serial interval w_0..w_{length-1} (w_0 = 0), Cori et al. 2013 Web Appendix 11.

    The interval minus one day is Gamma-distributed with the given mean - 1 and standard deviation.
    """
    if not (math.isfinite(mean) and math.isfinite(sd)) or mean <= 1 or sd <= 0:
        raise ValueError(f"serial interval needs mean > 1 and sd > 0 (got mean={mean}, sd={sd})")
    if length < 1:
        raise ValueError(f"serial interval length must be at least 1 (got {length})")
    shape = ((mean - 1) / sd) ** 2
    scale = sd**2 / (mean - 1)
    k = np.arange(length, dtype=np.float64)

    def cdf(x: FloatArray, a: float) -> FloatArray:
        return np.asarray(_gamma().cdf(x, a, scale=scale), dtype=np.float64)

    w = (
        k * cdf(k, shape)
        + (k - 2) * cdf(k - 2, shape)
        - 2 * (k - 1) * cdf(k - 1, shape)
        + shape * scale * (2 * cdf(k - 1, shape + 1) - cdf(k - 2, shape + 1) - cdf(k, shape + 1))
    )
    w = np.clip(w, 0.0, None)
    w[0] = 0.0
    return w


def _counts(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional series of daily counts")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains a missing or non-finite count")
    if np.any(arr < 0):
        day = int(np.argmax(arr < 0)) + 1
        raise ValueError(f"{name} has a negative count on day {day}")
    return arr


def _split_incidence(local: ArrayLike, imported: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    loc = _counts(local, "local" if imported is not None else "incidence")
    if loc.size < 2:
        raise ValueError("incidence needs at least 2 days")
    if imported is None:
        imp = np.zeros_like(loc)
    else:
        imp = _counts(imported, "imported")
        if imp.size != loc.size:
            raise ValueError(f"local has {loc.size} days but imported has {imp.size}")
    # EpiEstim treats every case of day 1 as imported: nothing earlier could have infected it.
    imp = imp.copy()
    imp[0] += loc[0]
    loc = loc.copy()
    loc[0] = 0.0
    return loc, imp


def _serial_interval(si_distr: ArrayLike, length: int, *, check_sum: bool) -> FloatArray:
    w = np.asarray(si_distr, dtype=np.float64)
    if w.ndim != 1 or w.size < 2:
        raise ValueError("si_distr must be a one-dimensional vector w_0, w_1, ... of at least 2 values")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("si_distr must contain finite, non-negative probabilities")
    if w[0] != 0:
        raise ValueError(f"si_distr[0] must be 0 (a case cannot infect on its own onset day), got {w[0]}")
    if check_sum and abs(w.sum() - 1.0) > SI_SUM_TOLERANCE:
        raise ValueError(f"si_distr must sum to 1 (got {w.sum():.6g})")
    if w.size < length:
        w = np.concatenate([w, np.zeros(length - w.size)])
    return w


def _windows(
    n_days: int, window: int, t_start: Sequence[int] | None, t_end: Sequence[int] | None
) -> tuple[list[int], list[int]]:
    if t_start is None and t_end is None:
        if window < 1:
            raise ValueError(f"window must be at least 1 day (got {window})")
        if n_days < window + 1:
            raise ValueError(f"{n_days} days are too few for a {window}-day window starting on day 2")
        starts = list(range(2, n_days - window + 2))
        return starts, [s + window - 1 for s in starts]
    if t_start is None or t_end is None:
        raise ValueError("give both t_start and t_end, or neither")
    starts, ends = [int(s) for s in t_start], [int(e) for e in t_end]
    if len(starts) != len(ends) or not starts:
        raise ValueError(f"t_start ({len(starts)}) and t_end ({len(ends)}) must be non-empty, equal length")
    for s, e in zip(starts, ends, strict=True):
        if not 2 <= s <= e <= n_days:
            raise ValueError(f"window {s}-{e} must satisfy 2 <= t_start <= t_end <= {n_days}")
    return starts, ends


def _total_infectiousness(total: FloatArray, w: FloatArray) -> FloatArray:
    """Lambda_t for t = 1..T (index 0 is day 1, left at 0 because it is undefined)."""
    n = total.size
    lam = np.convolve(total, w[:n])[:n]
    lam[0] = 0.0
    return np.asarray(lam, dtype=np.float64)


def estimate_rt(
    local: ArrayLike,
    imported: ArrayLike | None,
    si_distr: ArrayLike,
    *,
    window: int = 7,
    t_start: Sequence[int] | None = None,
    t_end: Sequence[int] | None = None,
    mean_prior: float = 5.0,
    std_prior: float = 5.0,
) -> RtResult:
    """Estimate R_t over sliding windows with a known serial interval w_0..w_m (w_0 = 0, sum 1).

    `local` and `imported` are daily counts for days 1..T. With `imported=None`, `local` is taken as
    total incidence. By default the windows are [2, 1 + window], [3, 2 + window], ..., ending on day T.
    Windows whose end day does not exceed the serial interval's mean are dropped.
    """
    if not (mean_prior > 0 and std_prior > 0):
        raise ValueError("mean_prior and std_prior must be positive")
    loc, imp = _split_incidence(local, imported)
    w = _serial_interval(si_distr, loc.size + 1, check_sum=True)
    windows = _windows(loc.size, window, t_start, t_end)
    return _posterior(loc, imp, w, windows, (mean_prior, std_prior))


def estimate_rt_parametric(
    local: ArrayLike, imported: ArrayLike | None, si_mean: float, si_sd: float, window: int = 7
) -> RtResult:
    """`estimate_rt` with the offset-gamma serial interval of the given mean and sd (days).

    As EpiEstim's "parametric_si" method, w_0..w_{T-1} come from `discretised_si` and a final 0 is
    appended (T + 1 values); the truncated vector is used as is, without renormalisation.
    """
    loc, imp = _split_incidence(local, imported)
    w = np.concatenate([discretised_si(si_mean, si_sd, loc.size), [0.0]])
    return _posterior(loc, imp, w, _windows(loc.size, window, None, None), (5.0, 5.0))


def _posterior(
    loc: FloatArray,
    imp: FloatArray,
    w: FloatArray,
    windows: tuple[list[int], list[int]],
    prior: tuple[float, float],
) -> RtResult:
    starts, ends = windows
    mean_prior, std_prior = prior
    a_prior = (mean_prior / std_prior) ** 2
    b_prior = std_prior**2 / mean_prior
    lam = _total_infectiousness(loc + imp, w)
    mean_si = float(np.sum(np.arange(w.size) * w))

    cum_local = np.concatenate([[0.0], np.cumsum(loc)])
    cum_lam = np.concatenate([[0.0], np.cumsum(lam)])
    cum_total = np.concatenate([[0.0], np.cumsum(loc + imp)])
    first_cases = cum_total[ends[0]] - cum_total[starts[0] - 1]
    low_cases = bool(first_cases < math.ceil(1 / CV_POSTERIOR**2 - a_prior))

    rows: list[RtWindow] = []
    for s, e in zip(starts, ends, strict=True):
        if e <= mean_si:
            continue
        shape = a_prior + cum_local[e] - cum_local[s - 1]
        scale = 1.0 / (1.0 / b_prior + cum_lam[e] - cum_lam[s - 1])
        qs = np.asarray(_gamma().ppf(QUANTILES, shape, scale=scale), dtype=np.float64)
        rows.append(
            RtWindow(
                t_start=s,
                t_end=e,
                mean=float(shape * scale),
                std=float(math.sqrt(shape) * scale),
                quantiles={q: float(v) for q, v in zip(QUANTILES, qs, strict=True)},
            )
        )
    return RtResult(windows=tuple(rows), mean_si=mean_si, low_case_warning=low_cases)


def _parse_count(raw: str, column: str, row: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"row {row}: {column} {raw.strip()!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or not value.is_integer():
        raise ValueError(f"row {row}: {column} must be a non-negative whole number, got {raw.strip()!r}")
    return value


def _header(header: list[str] | None) -> list[str]:
    if header is None or not any(cell.strip() for cell in header):
        raise ValueError("row 1: the CSV is empty; expected a header such as date,local,imported")
    names = [cell.strip().lower() for cell in header]
    if len(set(names)) != len(names):
        raise ValueError("row 1: duplicate column names in the header")
    unknown = set(names) - {"date", "local", "imported", "i"}
    if unknown:
        raise ValueError(f"row 1: unknown column(s) {', '.join(sorted(unknown))}")
    if "i" in names and ("local" in names or "imported" in names):
        raise ValueError("row 1: give either a total column I or local and imported, not both")
    if "i" not in names and not {"local", "imported"} <= set(names):
        raise ValueError("row 1: need columns local and imported, or a single column I")
    return names


def read_counts_csv(text: str) -> tuple[list[date] | None, FloatArray, FloatArray]:
    """Parse daily counts: header `date` (optional, ISO, consecutive days) with `local` and `imported`,
    or a single total column `I`. Rows are numbered as file lines (the header is row 1).

    A total column is returned split the way EpiEstim splits it: day 1 all imported, later days local.
    """
    reader = csv.reader(io.StringIO(text))
    names = _header(next(reader, None))
    col = {name: idx for idx, name in enumerate(names)}

    dates: list[date] = []
    local: list[float] = []
    imported: list[float] = []
    for row, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise ValueError(f"row {row}: expected {len(names)} fields, got {len(cells)}")
        if "date" in col:
            raw = cells[col["date"]].strip()
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise ValueError(f"row {row}: date {raw!r} is not an ISO date (YYYY-MM-DD)") from None
            if dates and day != dates[-1] + timedelta(days=1):
                raise ValueError(f"row {row}: date {day} does not follow {dates[-1]} by one day")
            dates.append(day)
        if "i" in col:
            local.append(_parse_count(cells[col["i"]], "I", row))
            imported.append(0.0)
        else:
            local.append(_parse_count(cells[col["local"]], "local", row))
            imported.append(_parse_count(cells[col["imported"]], "imported", row))
    if not local:
        raise ValueError("the CSV has a header but no data rows")
    loc = np.asarray(local, dtype=np.float64)
    imp = np.asarray(imported, dtype=np.float64)
    if "i" in col:
        imp[0], loc[0] = loc[0], 0.0
    return (dates if "date" in col else None), loc, imp
