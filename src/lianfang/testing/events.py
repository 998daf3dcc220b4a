"""Events published by the testing module, for the modules above it (tracing, health code, command...).

Handlers run inside the publisher's transaction (`lianfang.core.events`). Times are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ResultPositive:
    """One person is known to be positive: a single-tube (or individual) sample tested positive.

    The tracing module subscribes to open a case.
    """

    person_id: int
    sample_id: int
    sampled_at: datetime
    reported_at: datetime
    jurisdiction_path: str


@dataclass(frozen=True)
class PoolPositive:
    """A pooled tube tested positive: every member was put under temporary control at once.

    `person_ids` are the tube's members; `control_count` is how many temporary-control rows were raised
    (members already under an open control for this tube are not raised twice).
    """

    tube_id: int
    round_id: int | None
    barcode: str
    person_ids: tuple[int, ...]
    reported_at: datetime
    jurisdiction_path: str
    control_count: int


@dataclass(frozen=True)
class ResultNegative:
    """A sample (pooled or single) tested negative; published per tube, not per person."""

    tube_id: int
    reported_at: datetime


@dataclass(frozen=True)
class ResultsRecorded:
    """One upload of results was recorded: every result row of it carries `recorded_at`. Modules above
    read what concerns them set-based (the health code: people whose pop-ups a result may clear)."""

    recorded_at: datetime
    count: int


@dataclass(frozen=True)
class RoundOrdered:
    round_id: int
    area_path: str
    deadline_at: datetime
