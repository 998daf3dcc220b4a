"""R_t estimation against the EpiEstim references of shared/domain/ANALYTICS.md section 1."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from lianfang.analytics.rules import (
    QUANTILES,
    discretised_si,
    estimate_rt,
    estimate_rt_parametric,
    read_counts_csv,
)

# ANALYTICS.md section 1.2: Flu2009 incidence (2009-04-27 .. 2009-05-28) and its 12-value serial interval.
FLU2009_I = [
    1,
    1,
    0,
    2,
    5,
    3,
    3,
    3,
    6,
    2,
    5,
    9,
    13,
    12,
    13,
    11,
    12,
    6,
    6,
    6,
    3,
    1,
    0,
    2,
    0,
    0,
    0,
    0,
    2,
    0,
    2,
    0,
]
FLU2009_SI = [0, 0.233, 0.359, 0.198, 0.103, 0.053, 0.027, 0.014, 0.007, 0.003, 0.002, 0.001]

# ANALYTICS.md section 1.3, Example 1: (t_start, t_end, mean, std, q0.025, median, q0.975).
EXAMPLE_1 = [
    (2, 8, 1.7356089, 0.40908694, 1.02863184, 1.7035760, 2.6244959),
    (3, 9, 1.7490494, 0.36470202, 1.10874730, 1.7237672, 2.5329479),
    (4, 10, 1.5370427, 0.30740855, 0.99469301, 1.5165981, 2.1955178),
    (14, 20, 0.9369319, 0.11446445, 0.72610935, 0.9322747, 1.1742159),
    (22, 28, 0.2400240, 0.12001200, 0.06539846, 0.2203457, 0.5260890),
    (26, 32, 1.0040161, 0.44900963, 0.32600128, 0.9379335, 2.0565439),
]


def sig6(value: float) -> object:
    return pytest.approx(value, rel=1e-6)


def test_discretised_si_matches_epiestim_discr_si() -> None:
    """ANALYTICS.md section 1.1: discr_si(k, 2.6, 1.5) for k = 1..5 (EpiEstim snapshot Example 3)."""
    w = discretised_si(2.6, 1.5, 40)
    assert w[0] == 0
    assert w[1:6].tolist() == pytest.approx(
        [0.2331721, 0.3585794, 0.1981108, 0.1033427, 0.05290518], rel=1e-6
    )
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-6)
    assert float(np.sum(np.arange(40) * w)) == pytest.approx(2.6, rel=1e-4)


def test_example_1_every_published_row() -> None:
    """ANALYTICS.md section 1.3 Example 1: Flu2009, non-parametric SI, windows 2-8 .. 26-32."""
    result = estimate_rt(FLU2009_I, None, FLU2009_SI, t_start=range(2, 27), t_end=range(8, 33))
    assert result.mean_si == pytest.approx(2.596)
    assert len(result.windows) == 25
    by_window = {(w.t_start, w.t_end): w for w in result.windows}
    for t_start, t_end, mean, std, q025, median, q975 in EXAMPLE_1:
        row = by_window[(t_start, t_end)]
        assert row.mean == sig6(mean)
        assert row.std == sig6(std)
        assert row.quantiles[0.025] == sig6(q025)
        assert row.median == sig6(median)
        assert row.quantiles[0.975] == sig6(q975)


def test_default_windows_are_seven_day_right_aligned() -> None:
    """ANALYTICS.md section 1.1: default t_start = 2..T-6, t_end = 8..T, same numbers as Example 1."""
    result = estimate_rt(FLU2009_I, None, FLU2009_SI)
    assert [(w.t_start, w.t_end) for w in result.windows] == [(s, s + 6) for s in range(2, 27)]
    assert result.windows[0].mean == sig6(1.7356089)
    assert tuple(result.windows[0].quantiles) == QUANTILES
    assert not result.low_case_warning
    quantiles = list(result.windows[5].quantiles.values())
    assert quantiles == sorted(quantiles)


def test_total_series_equals_explicit_local_imported_split() -> None:
    """ANALYTICS.md section 1.1 (process_I): a total series means day-1 cases are imported."""
    local = [0, *FLU2009_I[1:]]
    imported = [FLU2009_I[0]] + [0] * (len(FLU2009_I) - 1)
    total = estimate_rt(FLU2009_I, None, FLU2009_SI)
    split = estimate_rt(local, imported, FLU2009_SI)
    assert [w.mean for w in total.windows] == pytest.approx([w.mean for w in split.windows], rel=1e-12)


def test_imported_cases_infect_but_are_not_counted_as_infectees() -> None:
    """ANALYTICS.md section 1.1: Lambda uses local + imported, the numerator local cases only."""
    imported = np.array(FLU2009_I, dtype=float)
    result = estimate_rt(np.zeros(len(FLU2009_I)), imported, FLU2009_SI)
    as_local = estimate_rt(FLU2009_I, None, FLU2009_SI)
    for only_imported, local in zip(result.windows, as_local.windows, strict=True):
        assert only_imported.mean < local.mean
        # Posterior shape stays at the prior's a0 = 1, so mean and std coincide.
        assert only_imported.mean == pytest.approx(only_imported.std)


def test_windows_not_after_mean_si_are_dropped() -> None:
    """ANALYTICS.md section 1.1: a window is reported only if t_end > mean SI (2.596 here)."""
    result = estimate_rt(FLU2009_I, None, FLU2009_SI, t_start=[2, 2], t_end=[2, 3])
    assert [(w.t_start, w.t_end) for w in result.windows] == [(2, 3)]


def test_low_case_warning_below_eleven_cases() -> None:
    """ANALYTICS.md section 1.1: warn when the first window has < ceil(1/0.3^2 - 1) = 11 cases."""
    few = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert estimate_rt(few, None, FLU2009_SI).low_case_warning
    ten_in_first = [1, 0, 2, 2, 2, 2, 2, 0, 5, 5]
    assert estimate_rt(ten_in_first, None, FLU2009_SI).low_case_warning
    eleven_in_first = [1, 0, 2, 2, 2, 2, 2, 1, 5, 5]
    assert not estimate_rt(eleven_in_first, None, FLU2009_SI).low_case_warning


def test_prior_without_data_is_returned() -> None:
    """ANALYTICS.md section 1.1: prior Gamma(a0=1, b0=5) by default; no cases leaves the prior."""
    result = estimate_rt([0] * 10, None, FLU2009_SI)
    assert result.windows[0].mean == pytest.approx(5.0)
    assert result.windows[0].std == pytest.approx(5.0)


def test_parametric_uses_discretised_si() -> None:
    """ANALYTICS.md section 1.1: parametric SI = discr_si(0..T-1) with a final 0 appended."""
    result = estimate_rt_parametric(FLU2009_I, None, 2.6, 1.5)
    si = np.concatenate([discretised_si(2.6, 1.5, len(FLU2009_I)), [0.0]])
    direct = estimate_rt(FLU2009_I, None, si)
    assert [w.mean for w in result.windows] == pytest.approx([w.mean for w in direct.windows], rel=1e-12)
    assert result.windows[0].mean == pytest.approx(1.7357977, rel=1e-6)


def _renewal(r: float, days: int, imported: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = np.array(FLU2009_SI)
    local = np.zeros(days)
    for t in range(1, days):
        total = local + imported
        lags = np.arange(1, min(t, w.size - 1) + 1)
        local[t] = rng.poisson(r * float(np.sum(w[lags] * total[t - lags])))
    return local


@pytest.mark.parametrize(("r", "seed_cases"), [(1.5, 5.0), (0.8, 150.0)])
def test_recovers_constant_r_of_simulated_renewal_process(r: float, seed_cases: float) -> None:
    """ANALYTICS.md sections 1.4/3.4: simulate I_t ~ Poisson(R Lambda_t) and recover R in late windows."""
    days = 35
    imported = np.zeros(days)
    imported[:3] = seed_cases
    local = _renewal(r, days, imported, seed=20240601)
    result = estimate_rt(local, imported, FLU2009_SI)
    late = [w for w in result.windows if w.t_end >= 20]
    assert late
    for window in late:
        assert window.quantiles[0.025] <= r <= window.quantiles[0.975]
    assert np.mean([w.mean for w in late]) == pytest.approx(r, rel=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"local": [1, -2, 3, 4, 5, 6, 7, 8, 9]}, "negative count on day 2"),
        ({"local": [1, float("nan"), 3, 4, 5, 6, 7, 8, 9]}, "non-finite"),
        ({"imported": [1, 2]}, "but imported has 2"),
        ({"si_distr": [0.1, 0.5, 0.4]}, r"si_distr\[0\] must be 0"),
        ({"si_distr": [0, 0.5, 0.3]}, "must sum to 1"),
        ({"si_distr": [0, 1.5, -0.5]}, "non-negative"),
        ({"local": [1, 2, 3]}, "too few"),
        ({"t_start": [2]}, "both t_start and t_end"),
        ({"t_start": [1], "t_end": [5]}, "2 <= t_start"),
        ({"t_start": [5], "t_end": [4]}, "2 <= t_start"),
        ({"t_start": [2, 3], "t_end": [8]}, "equal length"),
        ({"window": 0}, "at least 1 day"),
        ({"mean_prior": 0.0}, "must be positive"),
    ],
)
def test_invalid_inputs_raise_value_error(kwargs: dict[str, Any], message: str) -> None:
    """ANALYTICS.md section 1.1 preconditions: counts >= 0, w_0 = 0, sum w = 1, windows inside 2..T."""
    args: dict[str, Any] = {"local": [1] * 9, "imported": None, "si_distr": FLU2009_SI} | kwargs
    with pytest.raises(ValueError, match=message):
        estimate_rt(**args)


@pytest.mark.parametrize(("mean", "sd", "length"), [(1.0, 1.5, 5), (2.6, 0.0, 5), (2.6, 1.5, 0)])
def test_discretised_si_rejects_bad_parameters(mean: float, sd: float, length: int) -> None:
    """ANALYTICS.md section 1.1: the offset gamma needs mean > 1 and sd > 0."""
    with pytest.raises(ValueError, match="serial interval"):
        discretised_si(mean, sd, length)


def test_read_counts_csv_local_imported_with_dates() -> None:
    """CSV input for the section 1.1 estimator: date, local, imported."""
    text = "date,local,imported\n2009-04-27,0,1\n2009-04-28,1,0\n\n2009-04-29,3,2\n"
    dates, local, imported = read_counts_csv(text)
    assert dates == [date(2009, 4, 27), date(2009, 4, 28), date(2009, 4, 29)]
    assert local.tolist() == [0, 1, 3]
    assert imported.tolist() == [1, 0, 2]


def test_read_counts_csv_total_column_splits_day_one() -> None:
    """ANALYTICS.md section 1.1: a total column I puts all day-1 cases into imported."""
    dates, local, imported = read_counts_csv(" I \n4\n2\n5\n")
    assert dates is None
    assert local.tolist() == [0, 2, 5]
    assert imported.tolist() == [4, 0, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "row 1: the CSV is empty"),
        ("date,local\n2020-01-01,1\n", "row 1: need columns local and imported"),
        ("I,local,imported\n1,1,1\n", "row 1: give either"),
        ("local,imported,deaths\n1,1,1\n", "row 1: unknown column"),
        ("local,local,imported\n1,1,1\n", "row 1: duplicate"),
        ("local,imported\n", "no data rows"),
        ("local,imported\n1,0\n2,x\n", "row 3: imported 'x' is not a number"),
        ("local,imported\n1,0\n-1,0\n", "row 3: local must be a non-negative whole number"),
        ("I\n1\n2.5\n", "row 3: I must be a non-negative whole number"),
        ("I\n1\ninf\n", "row 3: I must be"),
        ("local,imported\n1,0\n2\n", "row 3: expected 2 fields, got 1"),
        ("date,I\n2020-01-01,1\n01/02/2020,2\n", "row 3: date '01/02/2020' is not an ISO date"),
        ("date,I\n2020-01-01,1\n2020-01-03,2\n", "row 3: date 2020-01-03 does not follow 2020-01-01"),
    ],
)
def test_read_counts_csv_errors_name_the_row(text: str, message: str) -> None:
    """Bad CSV input is refused with the offending row (header = row 1)."""
    with pytest.raises(ValueError, match=message):
        read_counts_csv(text)
