"""The tracing metrics of ANALYTICS.md §3.5, as pure functions over plain rows.

1. Found under control (管控内发现率, "Recall@detection (observable)"): detected cases already under
   management when found / all detected cases, per local day and district. Real-world anchors: Shanghai
   2022-04-16 ≈ 96.9 %, 2022-11-28 96.6 % (plausibility only, not pass/fail).
2. Tracing recall on simulated ground truth: of the true infectees of the investigated cases, the share
   the tracing flagged; with the baselines §3.5 names: (a) household-only tracing, (b) random selection of
   as many people as were flagged (its expected value), (c) the oracle (the true contacts: 1 by
   definition). And infection coverage: true infections managed before their onset (or detection) / all
   true infections, never-detected ones included (the simulation-only figure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from lianfang.core.clock import local_date
from lianfang.tracing.rules import district_path


@dataclass(frozen=True)
class ShareRow:
    day: date
    district_path: str
    cases: int
    under_control: int

    @property
    def share(self) -> float | None:
        return self.under_control / self.cases if self.cases else None


def under_control_share(rows: Iterable[tuple[str, datetime, str]]) -> list[ShareRow]:
    """(path, reported_at, found_by) rows -> per (local day, district); plus a city line per day
    (district_path "*")."""
    counts: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    for path, at, found_by in rows:
        day = local_date(at)
        for key in ((day, district_path(path)), (day, "*")):
            counts[key][0] += 1
            counts[key][1] += found_by == "under_control"
    return [ShareRow(d, p, n, u) for (d, p), (n, u) in sorted(counts.items())]


@dataclass(frozen=True)
class Recall:
    targets: int  # true infectees of the investigated cases (infected after the case's look-back start)
    flagged: int  # people the tracing flagged (confirmed or proposed close / secondary contacts)
    population: int
    system: float | None
    household_only: float | None
    random_expected: float | None
    oracle: float | None
    found_under_control: float | None  # metric (1) over the simulated detections
    infection_coverage: float | None  # metric (2)
    infections: int


def tracing_recall(
    targets: set[int],
    flagged: set[int],
    household_flagged: set[int],
    population: int,
    detected_under_control: tuple[int, int],
    managed_before_onset: tuple[int, int],
) -> Recall:
    """`targets`: the true infectees of investigated cases; `flagged`: whom tracing flagged;
    `household_flagged`: the household members of the investigated cases (baseline a);
    `detected_under_control` and `managed_before_onset`: (numerator, denominator) pairs."""

    def ratio(n: int, d: int) -> float | None:
        return n / d if d else None

    random = min(1.0, len(flagged) / population) if population and targets else None
    return Recall(
        targets=len(targets),
        flagged=len(flagged),
        population=population,
        system=ratio(len(targets & flagged), len(targets)),
        household_only=ratio(len(targets & household_flagged), len(targets)),
        random_expected=random,
        oracle=1.0 if targets else None,
        found_under_control=ratio(*detected_under_control),
        infection_coverage=ratio(*managed_before_onset),
        infections=managed_before_onset[1],
    )


def recall_as_dict(recall: Recall) -> Mapping[str, object]:
    return {k: getattr(recall, k) for k in Recall.__dataclass_fields__}
