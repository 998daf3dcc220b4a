"""Operating characteristics of pooled (group) testing, per shared/domain/ANALYTICS.md section 2.

Everyone is infected independently with probability p (q = 1 - p). Every test, pooled or individual,
has sensitivity Se and specificity Sp, and test outcomes are independent given the true statuses; a
pool is truly positive when it holds at least one infected sample, whatever the dilution.

- Dorfman two-stage (Dorfman 1943): test pools of k; retest every member of a positive pool.
  E/n = 1/k + Se (1 - q^k) + (1 - Sp) q^k, PSe = Se^2,
  PSp = 1 - (1 - Sp) [Se (1 - q^(k-1)) + (1 - Sp) q^(k-1)].
- Square k x k array without a master pool, decoded as in Kim et al. 2007 ("Comparison of group
  testing algorithms for case identification in the presence of test error", Biometrics 63:1152):
  test the k rows and k columns; retest each sample at a positive row and a positive column; if rows
  are positive but no column is, retest every sample of the positive rows (and vice versa). The
  expressions below are derived here by conditioning on the statuses of one row; a test enumerates all
  2^(k^2) infection patterns and all row/column outcomes for k = 3 to check them. With Se = Sp = 1 they
  reduce to E/n = 2/k + 1 - 2 q^k + q^(2k-1).

Metrics as in binGroup2: percent reduction = 100 (1 - E/n), capacity increase = 100 (1/(E/n) - 1).
Fewest tests is not the only criterion under test error: Dorfman pooling lowers sensitivity to Se^2,
and real pools dilute samples, which this model ignores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["individual", "dorfman", "array"]

# Pool sizes that China's 2022 guidance validated in the lab and the field (ANALYTICS.md section 2.4).
VALIDATED_POOL_SIZES: tuple[int, ...] = (5, 10, 20)
# With a perfect test, Dorfman pooling saves tests only below this prevalence: 1 - 3^(-1/3).
DORFMAN_PREVALENCE_LIMIT = 1 - 3 ** (-1 / 3)


@dataclass(frozen=True, slots=True)
class PoolCharacteristics:
    """Expected cost and accuracy of one scheme; `size` is k (a pool of k, or a k x k array)."""

    scheme: Scheme
    size: int
    tests_per_person: float
    pse: float
    psp: float

    @property
    def people_per_group(self) -> int:
        return self.size * self.size if self.scheme == "array" else self.size

    @property
    def tests_per_group(self) -> float:
        """Expected tests per pool (Dorfman) or per array."""
        return self.tests_per_person * self.people_per_group

    @property
    def percent_reduction(self) -> float:
        return 100.0 * (1.0 - self.tests_per_person)

    @property
    def capacity_increase(self) -> float:
        return 100.0 * (1.0 / self.tests_per_person - 1.0)


@dataclass(frozen=True, slots=True)
class PoolAdvice:
    """Dorfman characteristics per pool size, with the size that needs the fewest tests per person.

    `best_validated` is the best among `VALIDATED_POOL_SIZES` that were in the table, if any.
    """

    prevalence: float
    se: float
    sp: float
    table: tuple[PoolCharacteristics, ...]
    best: PoolCharacteristics
    best_validated: PoolCharacteristics | None


def _validate(prevalence: float, se: float, sp: float) -> None:
    if not (isinstance(prevalence, int | float) and 0 < prevalence < 1):
        raise ValueError(f"prevalence must be strictly between 0 and 1 (got {prevalence})")
    for name, value in (("sensitivity", se), ("specificity", sp)):
        if not (isinstance(value, int | float) and 0 < value <= 1):
            raise ValueError(f"{name} must be in (0, 1] (got {value})")


def _validate_size(size: int, minimum: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < minimum:
        raise ValueError(f"size must be a whole number of at least {minimum} (got {size!r})")


def individual(prevalence: float, se: float = 1.0, sp: float = 1.0) -> PoolCharacteristics:
    """One test per person: the baseline every pooling scheme is compared with."""
    _validate(prevalence, se, sp)
    return PoolCharacteristics("individual", 1, 1.0, se, sp)


def dorfman(prevalence: float, size: int, se: float = 1.0, sp: float = 1.0) -> PoolCharacteristics:
    """Dorfman two-stage pooling with pools of `size`; a pool of one is individual testing."""
    _validate(prevalence, se, sp)
    _validate_size(size, 1)
    if size == 1:
        return individual(prevalence, se, sp)
    q = 1.0 - prevalence
    qk = q**size
    qk1 = q ** (size - 1)
    per_person = 1.0 / size + se * (1.0 - qk) + (1.0 - sp) * qk
    pse = se * se
    psp = 1.0 - (1.0 - sp) * (se * (1.0 - qk1) + (1.0 - sp) * qk1)
    return PoolCharacteristics("dorfman", size, per_person, pse, psp)


def square_array(prevalence: float, size: int, se: float = 1.0, sp: float = 1.0) -> PoolCharacteristics:
    """Square `size` x `size` array testing without a master pool (Kim et al. 2007 decoding)."""
    _validate(prevalence, se, sp)
    _validate_size(size, 2)
    k = size
    p, q = prevalence, 1.0 - prevalence
    fp = 1.0 - sp
    q_others = q ** (k - 1)
    # For a row or column and one named member of it that is not infected: P(line tests positive),
    # and g = P(line tests negative). h = P(a line tests negative) when that member's status is free.
    line_pos_given_neg = se * (1.0 - q_others) + fp * q_others
    g = sp * q_others + (1.0 - se) * (1.0 - q_others)
    h = p * (1.0 - se) + q * g
    qg = q * g
    # "Row positive, every column negative", given the sample at their crossing is infected / not.
    spill_pos = se * (1.0 - se) * h ** (k - 1)
    spill_neg = g * (fp * qg ** (k - 1) + se * (h ** (k - 1) - qg ** (k - 1)))
    retest_pos = se * se + 2.0 * spill_pos
    retest_neg = line_pos_given_neg**2 + 2.0 * spill_neg
    per_person = 2.0 / k + p * retest_pos + q * retest_neg
    pse = se * retest_pos
    psp = 1.0 - fp * retest_neg
    return PoolCharacteristics("array", k, per_person, pse, psp)


def advise(
    prevalence: float, se: float = 1.0, sp: float = 1.0, sizes: Iterable[int] = range(1, 21)
) -> PoolAdvice:
    """Compare Dorfman pool sizes (1 = individual testing); the best uses the fewest tests per person.

    Ties go to the smaller pool, which keeps sensitivity loss from dilution and recall work lower.
    """
    _validate(prevalence, se, sp)
    chosen = sorted(set(sizes))
    if not chosen:
        raise ValueError("give at least one pool size")
    for size in chosen:
        _validate_size(size, 1)
    table = tuple(dorfman(prevalence, size, se, sp) for size in chosen)
    best = min(table, key=lambda row: (row.tests_per_person, row.size))
    validated = [row for row in table if row.size in VALIDATED_POOL_SIZES]
    best_validated = min(validated, key=lambda row: (row.tests_per_person, row.size)) if validated else None
    return PoolAdvice(prevalence, se, sp, table, best, best_validated)
