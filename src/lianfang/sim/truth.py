"""Ground truth of a simulated outbreak: every infection (who, by whom, when, where) and each person's
course, detection and scanning record. Only a simulation can know this; it is what the platform's tracing
is measured against (ANALYTICS.md §3.5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lianfang.sim._arrays import I8, I16, I32, B


class Route:
    NONE = 0
    CARE = 1
    PHARMACY = 2
    SCREENING = 3


@dataclass(frozen=True, eq=False)
class Infections:
    infectee: I32
    infector: I32  # -1 for imported / seeded
    day: I16  # may be negative for infections before the simulation start
    minute: I16
    setting: I8  # transmission.Setting
    venue: I32  # -1 unless setting is venue (or a seeded market)

    def __len__(self) -> int:
        return int(self.infectee.shape[0])


@dataclass(frozen=True, eq=False)
class GroundTruth:
    infections: Infections
    infected_day: I16  # per person; NEVER if never infected
    onset_day: I16  # NEVER if asymptomatic, not infected or after the last day
    detected_day: I16  # day of the positive result; NEVER if not detected by the last day
    detection_route: I8  # Route
    asymptomatic: B
    visits_total: I32  # per person over the run
    visits_scanned: I32

    @property
    def never_scanned(self) -> B:
        return np.asarray((self.visits_total > 0) & (self.visits_scanned == 0), dtype=bool)
