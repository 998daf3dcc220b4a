"""A batch of scans written to PostgreSQL in one statement (one round trip, one commit in autocommit).

The rows travel as one JSON parameter (encoding it is one C call; array parameters would be dumped
element by element in Python). The statement resolves each row's person (by pseudonym or ID-number
hash, each on its unique index), inserts the rows whose person is registered, skipping idempotency keys
already stored, and returns for every input row: its person, the new scan's id or the original scan.
A key being inserted by another transaction at the same moment is waited for by ON CONFLICT but is not
in this statement's snapshot; such rows are read again afterwards (`EXISTING`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from lianfang.checkins.rules import PersonInfo, unknown_person
from lianfang.checkins.writer import COLUMNS, Key, Outcome, ScanRow, Written
from lianfang.core.errors import Invalid
from lianfang.people.rules import mask_name

_TYPES = (
    "date",
    "int",
    "int",
    "int",
    "timestamptz",
    "timestamptz",
    "bool",
    "text",
    "int",
    "text",
    "timestamptz",
)
_SHORT = tuple(f"c{i}" for i in range(len(COLUMNS)))
_ROW = ", ".join(f"{c} {t}" for c, t in zip(_SHORT, _TYPES, strict=True))
_SAME_KEY = "{t}.venue_id = b.c1 AND {t}.scan_date = b.c0 AND {t}.idempotency_key = b.c9"
BATCH = f"""
WITH r AS (
    SELECT * FROM json_to_recordset(%s::json) AS r(n int, ps text, ih text, {_ROW})
), b AS (
    SELECT r.*, COALESCE(r.c2, pp.id, ph.id) AS pid,
           COALESCE(pp.name, ph.name) AS pname, COALESCE(pp.id_masked, ph.id_masked) AS pmask,
           (r.ps IS NOT NULL OR r.ih IS NOT NULL) AND pp.id IS NULL AND ph.id IS NULL AS unknown
    FROM r LEFT JOIN people pp ON pp.pseudonym = r.ps LEFT JOIN people ph ON ph.id_hash = r.ih
), ins AS (
    INSERT INTO scans ({", ".join(COLUMNS)})
    SELECT c0, c1, pid, c3, c4, c5, c6, c7, c8, c9, c10 FROM b WHERE NOT unknown
    ON CONFLICT (venue_id, scan_date, idempotency_key) DO NOTHING
    RETURNING id, venue_id, scan_date, idempotency_key
)
SELECT b.n, b.unknown, b.pid, b.pname, b.pmask, ins.id, s.id, s.scanned_at, s.stay_until, s.person_id
FROM b LEFT JOIN ins ON {_SAME_KEY.format(t="ins")}
LEFT JOIN scans s ON ins.id IS NULL AND NOT b.unknown AND {_SAME_KEY.format(t="s")}
ORDER BY b.n
"""  # noqa: S608 (every name in it is a constant)
EXISTING = (
    "SELECT s.id, s.venue_id, s.scan_date, s.idempotency_key, s.scanned_at, s.stay_until, s.person_id "
    "FROM scans s JOIN unnest(%s::int[], %s::date[], %s::text[]) AS k(v, d, key) "
    "ON s.venue_id = k.v AND s.scan_date = k.d AND s.idempotency_key = k.key"
)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def batch_params(rows: Sequence[ScanRow]) -> list[str]:
    encoded = []
    for n, row in enumerate(rows):
        item = dict(zip(_SHORT, map(_json_value, row.values()), strict=True))
        key = row.person_key or ""
        item["n"] = n
        item["ps"] = key[2:] if key.startswith("p:") else None
        item["ih"] = key[2:] if key.startswith("h:") else None
        encoded.append(item)
    return [json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))]


def batch_outcomes(rows: Sequence[ScanRow], fetched: Sequence[tuple[Any, ...]]) -> list[Outcome | None]:
    """One outcome per row; None where the key's original scan must be read again (see module doc)."""
    out: list[Outcome | None] = [None] * len(rows)
    claimed: set[Key] = set()
    for n, unknown, pid, pname, pmask, new_id, old_id, old_at, old_stay, old_pid in fetched:
        row = rows[n]
        if unknown:
            out[n] = Invalid([unknown_person(row.person_key or "p:")])
            continue
        person = PersonInfo(pid, mask_name(pname), pmask) if row.person_key and pid is not None else None
        if new_id is not None:
            duplicate = row.key in claimed  # the same key twice in one batch: the second is a duplicate
            claimed.add(row.key)
            out[n] = Written(new_id, duplicate, row.scanned_at, row.stay_until, pid, person)
        elif old_id is not None:
            same = person if person is not None and person.person_id == old_pid else None
            out[n] = Written(old_id, True, old_at, old_stay, old_pid, same)
    return out


def existing_params(rows: Sequence[ScanRow], outcomes: Sequence[Outcome | None]) -> list[list[Any]]:
    keys = [row.key for row, outcome in zip(rows, outcomes, strict=True) if outcome is None]
    return [list(k) for k in zip(*keys, strict=True)]


def complete(
    rows: Sequence[ScanRow], outcomes: list[Outcome | None], found: Sequence[tuple[Any, ...]]
) -> list[Outcome]:
    """Fill the rows left open by `batch_outcomes` from the `EXISTING` read."""
    old = {(v, d, k): (i, s, u, p) for i, v, d, k, s, u, p in found}
    done: list[Outcome] = []
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome is None:
            scan_id, scanned_at, stay, person_id = old[row.key]
            done.append(Written(scan_id, True, scanned_at, stay, person_id))
        else:
            done.append(outcome)
    return done
