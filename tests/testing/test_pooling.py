"""Pooled-testing characteristics against shared/domain/ANALYTICS.md section 2 and exact enumeration."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from lianfang.testing.pooling.rules import DORFMAN_PREVALENCE_LIMIT, advise, dorfman, individual, square_array


def _prob(statuses: tuple[int, ...], p: float) -> float:
    return math.prod(p if s else 1 - p for s in statuses)


def _test_prob(truly_positive: bool, outcome: int, se: float, sp: float) -> float:
    if truly_positive:
        return se if outcome else 1 - se
    return 1 - sp if outcome else sp


def _brute_dorfman(p: float, k: int, se: float, sp: float) -> tuple[float, float, float]:
    """Exact expectation over all 2^k infection patterns: (tests per person, PSe, PSp) of member 0."""
    tests = declared_pos_infected = declared_pos_healthy = 0.0
    for statuses in itertools.product((0, 1), repeat=k):
        weight = _prob(statuses, p)
        pool_pos = _test_prob(any(statuses), 1, se, sp)
        tests += weight * (1 + k * pool_pos)
        member_pos = pool_pos * _test_prob(bool(statuses[0]), 1, se, sp)
        if statuses[0]:
            declared_pos_infected += weight * member_pos
        else:
            declared_pos_healthy += weight * member_pos
    return tests / k, declared_pos_infected / p, 1 - declared_pos_healthy / (1 - p)


def _retested(rows: tuple[int, ...], cols: tuple[int, ...]) -> set[tuple[int, int]]:
    """Kim et al. 2007 decoding of a square array without master pool."""
    pos_rows = [i for i, r in enumerate(rows) if r]
    pos_cols = [j for j, c in enumerate(cols) if c]
    if pos_rows and not pos_cols:
        return {(i, j) for i in pos_rows for j in range(len(cols))}
    if pos_cols and not pos_rows:
        return {(i, j) for i in range(len(rows)) for j in pos_cols}
    return {(i, j) for i in pos_rows for j in pos_cols}


def _brute_array(p: float, k: int, se: float, sp: float) -> tuple[float, float, float]:
    """Exact expectation over all infection patterns and all row/column outcomes of a k x k array."""
    tests = declared_pos_infected = declared_pos_healthy = 0.0
    for flat in itertools.product((0, 1), repeat=k * k):
        weight = _prob(flat, p)
        grid = [flat[i * k : (i + 1) * k] for i in range(k)]
        row_truth = [any(row) for row in grid]
        col_truth = [any(grid[i][j] for i in range(k)) for j in range(k)]
        choices = [
            [(o, _test_prob(t, o, se, sp)) for o in (0, 1) if _test_prob(t, o, se, sp) > 0]
            for t in row_truth + col_truth
        ]
        for combo in itertools.product(*choices):
            outcome = tuple(o for o, _ in combo)
            rows, cols = outcome[:k], outcome[k:]
            w = weight * math.prod(prob for _, prob in combo)
            retest = _retested(rows, cols)
            tests += w * (2 * k + len(retest))
            if (0, 0) in retest:
                member_pos = w * _test_prob(bool(grid[0][0]), 1, se, sp)
                if grid[0][0]:
                    declared_pos_infected += member_pos
                else:
                    declared_pos_healthy += member_pos
    return tests / (k * k), declared_pos_infected / p, 1 - declared_pos_healthy / (1 - p)


def test_bingroup2_dorfman_reference() -> None:
    """ANALYTICS.md section 2.2: binGroup2 opChar1("D2", p=0.01, Se=Sp=0.99, size 10)."""
    d = dorfman(0.01, 10, se=0.99, sp=0.99)
    assert round(d.tests_per_group, 4) == 2.0371
    assert round(d.tests_per_person, 4) == 0.2037
    assert round(d.pse, 4) == 0.9801
    assert round(d.psp, 4) == 0.9991
    assert round(d.percent_reduction, 2) == 79.63
    assert d.capacity_increase == pytest.approx(100 * (1 / d.tests_per_person - 1))


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("p", [0.01, 0.1, 0.3])
def test_dorfman_perfect_closed_form_matches_enumeration(k: int, p: float) -> None:
    """ANALYTICS.md section 2.1: E/n = 1/k + 1 - q^k for a perfect test."""
    d = dorfman(p, k)
    assert d.tests_per_person == pytest.approx(1 / k + 1 - (1 - p) ** k, rel=1e-12)
    assert d.tests_per_person == pytest.approx(_brute_dorfman(p, k, 1.0, 1.0)[0], rel=1e-12)
    assert (d.pse, d.psp) == (1.0, 1.0)


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_dorfman_with_test_error_matches_enumeration(k: int) -> None:
    """ANALYTICS.md section 2.1: Dorfman E/n, PSe = Se^2 and PSp with Se = 0.9, Sp = 0.95."""
    d = dorfman(0.07, k, se=0.9, sp=0.95)
    per_person, pse, psp = _brute_dorfman(0.07, k, 0.9, 0.95)
    assert d.tests_per_person == pytest.approx(per_person, rel=1e-12)
    assert d.pse == pytest.approx(pse, rel=1e-12)
    assert d.psp == pytest.approx(psp, rel=1e-12)


@pytest.mark.parametrize("k", [3, 4])
@pytest.mark.parametrize("p", [0.02, 0.2])
def test_square_array_perfect_closed_form_matches_enumeration(k: int, p: float) -> None:
    """ANALYTICS.md section 2.1: E/n = 2/k + 1 - 2q^k + q^(2k-1) for a k x k array, perfect test."""
    a = square_array(p, k)
    q = 1 - p
    assert a.tests_per_person == pytest.approx(2 / k + 1 - 2 * q**k + q ** (2 * k - 1), rel=1e-12)
    assert a.tests_per_person == pytest.approx(_brute_array(p, k, 1.0, 1.0)[0], rel=1e-12)
    assert (a.pse, a.psp) == (1.0, 1.0)
    assert a.tests_per_group == pytest.approx(a.tests_per_person * k * k)


@pytest.mark.parametrize(("se", "sp"), [(0.9, 0.95), (0.7, 0.99)])
def test_square_array_with_test_error_matches_enumeration(se: float, sp: float) -> None:
    """ANALYTICS.md section 2.1 (Kim et al. 2007 decoding): every pattern and outcome of a 3 x 3 array."""
    a = square_array(0.1, 3, se=se, sp=sp)
    per_person, pse, psp = _brute_array(0.1, 3, se, sp)
    assert a.tests_per_person == pytest.approx(per_person, rel=1e-12)
    assert a.pse == pytest.approx(pse, rel=1e-12)
    assert a.psp == pytest.approx(psp, rel=1e-12)


def test_individual_testing_and_pool_of_one() -> None:
    """ANALYTICS.md section 2.1 baseline: one test per person, accuracy of the assay itself."""
    assert dorfman(0.05, 1, se=0.9, sp=0.98) == individual(0.05, se=0.9, sp=0.98)
    one = individual(0.05, se=0.9, sp=0.98)
    assert (one.tests_per_person, one.pse, one.psp, one.percent_reduction) == (1.0, 0.9, 0.98, 0.0)


def test_advise_picks_the_cheapest_size() -> None:
    """ANALYTICS.md section 2.1: optimum near 1/sqrt(p) + 0.5 and E/n near 2 sqrt(p) at small p."""
    advice = advise(0.01)
    assert [row.size for row in advice.table] == list(range(1, 21))
    assert advice.best.tests_per_person == min(row.tests_per_person for row in advice.table)
    assert advice.best.size in {10, 11}
    assert advice.best.tests_per_person == pytest.approx(2 * math.sqrt(0.01), rel=0.05)
    assert advice.best_validated is not None
    assert advice.best_validated.size == 10


def test_advise_with_test_error_reproduces_reference_row() -> None:
    """ANALYTICS.md section 2.2 row inside the advice table."""
    advice = advise(0.01, se=0.99, sp=0.99)
    assert round(advice.table[9].tests_per_person, 4) == 0.2037
    assert advice.best.size == 11


def test_advise_prefers_individual_testing_at_high_prevalence() -> None:
    """ANALYTICS.md section 2.1: Dorfman saves tests only below p = 1 - 3^(-1/3) ~ 0.307."""
    assert pytest.approx(0.3066, abs=1e-4) == DORFMAN_PREVALENCE_LIMIT
    assert advise(0.32).best.size == 1
    assert advise(0.29).best.size == 3
    assert advise(0.5, sizes=[5, 10]).best_validated is not None
    assert advise(0.01, sizes=[2, 3]).best_validated is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"prevalence": 0.0}, "prevalence must be strictly between 0 and 1"),
        ({"prevalence": 1.0}, "prevalence"),
        ({"prevalence": float("nan")}, "prevalence"),
        ({"prevalence": 0.1, "se": 0.0}, "sensitivity"),
        ({"prevalence": 0.1, "sp": 1.01}, "specificity"),
        ({"prevalence": 0.1, "sizes": []}, "at least one pool size"),
        ({"prevalence": 0.1, "sizes": [0, 5]}, "size must be a whole number of at least 1"),
    ],
)
def test_advise_validates_inputs(args: dict[str, Any], message: str) -> None:
    """ANALYTICS.md section 2.1 domain: 0 < p < 1, 0 < Se, Sp <= 1, sizes >= 1."""
    with pytest.raises(ValueError, match=message):
        advise(**args)


def test_scheme_size_limits() -> None:
    """A square array needs k >= 2; a pool size must be a whole number."""
    with pytest.raises(ValueError, match="at least 2"):
        square_array(0.1, 1)
    fractional: Any = 2.5
    with pytest.raises(ValueError, match="whole number"):
        dorfman(0.1, fractional)
