"""Venue contacts judged inside PostgreSQL: one statement for all of a case's visits.

`propose.venue_proposals` reads the overlapping scans and judges each in Python; at a city's scale that
is hundreds of rows a visit, and the rows, the judging and the names cost more than the index look-ups.
On PostgreSQL the same judgement runs where the rows are: the visits go in as arrays with the limits the
rules set for each (`rules.venue_limits`, resolved in Python), each visit is one index range scan (a
LATERAL join over the covering `(venue_id, scanned_at)` index; the day partitions are pruned at run
time), every overlap is classified the way `rules.classify` does, and one row per person comes back:
the strongest category, then the longest overlap (rounded to whole minutes, as `propose.merge`
compares them), then the earliest visit, with the earliest first and latest last contact over all of the
person's judged overlaps, and the person's name, masked ID and place. `tests/tracing/test_venue_sql.py`
checks that the two paths agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from lianfang.checkins.rules import scan_bounds

# `close` / `general`: minutes of overlap from `rules.venue_limits` (close NULL: no close contact at that
# venue). The CASE and the WHERE are `rules.classify`: nothing for an overlap <= 0, close from `close`
# minutes, else general from `general` minutes. Minutes are float8, as Python's judge computes them (and
# `round` is then half-to-even in both); `extract` alone gives numeric, read as slow Decimals.
STATEMENT = """
WITH v AS (
  SELECT * FROM unnest(CAST(%(k)s AS int[]), CAST(%(venue)s AS int[]), CAST(%(a)s AS timestamptz[]),
                       CAST(%(b)s AS timestamptz[]), CAST(%(e)s AS timestamptz[]), CAST(%(d)s AS date[]),
                       CAST(%(f)s AS date[]), CAST(%(close)s AS float8[]), CAST(%(general)s AS float8[]))
    AS v(k, venue_id, a, b, e, d, f, close, general)
), judged AS (
  SELECT v.k, s.person_id, s.scanned_at,
         greatest(s.scanned_at, v.a) AS first, least(s.stay_until, v.b) AS last,
         CAST(extract(epoch FROM least(s.stay_until, v.b) - greatest(s.scanned_at, v.a)) AS float8) / 60
           AS minutes,
         v.close, v.general
  FROM v CROSS JOIN LATERAL (
    SELECT person_id, scanned_at, stay_until FROM scans
    WHERE scans.venue_id = v.venue_id AND scans.scanned_at > v.e AND scans.scanned_at < v.b
      AND scans.stay_until > v.a AND scans.scan_date >= v.d AND scans.scan_date <= v.f
      AND scans.person_id IS NOT NULL
  ) s
), kept AS (
  SELECT k, person_id, scanned_at, first, last, minutes,
         (close IS NOT NULL AND minutes >= close) AS is_close
  FROM judged
  WHERE minutes > 0 AND ((close IS NOT NULL AND minutes >= close) OR minutes >= general)
), best AS (
  SELECT DISTINCT ON (person_id) person_id, k, is_close, minutes,
         min(first) OVER person AS first, max(last) OVER person AS last
  FROM kept
  WINDOW person AS (PARTITION BY person_id)
  ORDER BY person_id, is_close DESC, round(minutes) DESC, k, scanned_at
)
SELECT b.person_id, b.k, b.minutes, b.first, b.last, p.name, p.id_masked, p.jurisdiction_path
FROM best b JOIN people p ON p.id = b.person_id
"""


@dataclass(frozen=True, slots=True)
class Limits:
    close: float | None
    general: float


class Best(NamedTuple):  # a tuple: ~800 of them a case, built as the driver's rows
    """A person's strongest judged overlap: `k` is the index of the visit it happened in."""

    person_id: int
    k: int
    minutes: float
    first: datetime
    last: datetime
    name: str
    id_masked: str
    jurisdiction_path: str


def best_per_person(
    session: Session, visits: list[tuple[int, datetime, datetime]], limits: list[Limits]
) -> list[Best]:
    """For visits `(venue_id, start, end)` with their limits: one `Best` per person with a judged overlap."""
    if not visits:
        return []
    params: dict[str, list[object]] = {
        n: [] for n in ("k", "venue", "a", "b", "e", "d", "f", "close", "general")
    }
    for k, ((venue_id, start, end), limit) in enumerate(zip(visits, limits, strict=True)):
        earliest, first_day, last_day = scan_bounds(start, end)
        row = (k, venue_id, start, end, earliest, first_day, last_day, limit.close, limit.general)
        for name, value in zip(params, row, strict=True):
            params[name].append(value)
    # The driver's own cursor: ~800 rows of eight columns through SQLAlchemy's result cost more than
    # the statement's index look-ups.
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        return [Best._make(row) for row in cursor.execute(STATEMENT, params).fetchall()]
