"""Writing many statuses at once. On PostgreSQL each batch is one statement per table (`unnest` of
column arrays): an executemany of thousands of single-row UPDATEs was most of the nightly pass's time.
SQLite keeps the plain bulk statements behind the same functions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.orm import Session

from lianfang.healthcodes.models import HealthStatus, HealthStatusChange

_UPDATE = """
UPDATE health_statuses AS h SET colour = v.colour, popups = v.popups, edition = v.edition,
  reasons = CAST(v.reasons AS json), next_change_on = v.next_change_on,
  derived_at = v.derived_at, changed_at = v.changed_at, jurisdiction_path = v.jurisdiction_path
FROM unnest(CAST(:person_id AS bigint[]), CAST(:jurisdiction_path AS text[]), CAST(:colour AS text[]),
  CAST(:popups AS text[]), CAST(:edition AS text[]), CAST(:reasons AS text[]),
  CAST(:next_change_on AS date[]), CAST(:derived_at AS timestamptz[]), CAST(:changed_at AS timestamptz[]))
  AS v(person_id, jurisdiction_path, colour, popups, edition, reasons, next_change_on, derived_at, changed_at)
WHERE h.person_id = v.person_id
"""
_INSERT = """
INSERT INTO health_statuses (person_id, jurisdiction_path, colour, popups, edition, reasons,
  next_change_on, derived_at, changed_at)
SELECT v.person_id, v.jurisdiction_path, v.colour, v.popups, v.edition, CAST(v.reasons AS json),
  v.next_change_on, v.derived_at, v.changed_at
FROM unnest(CAST(:person_id AS bigint[]), CAST(:jurisdiction_path AS text[]), CAST(:colour AS text[]),
  CAST(:popups AS text[]), CAST(:edition AS text[]), CAST(:reasons AS text[]),
  CAST(:next_change_on AS date[]), CAST(:derived_at AS timestamptz[]), CAST(:changed_at AS timestamptz[]))
  AS v(person_id, jurisdiction_path, colour, popups, edition, reasons, next_change_on, derived_at, changed_at)
"""
_CHANGES = """
INSERT INTO health_status_changes (person_id, at, before_colour, before_popups, after_colour, after_popups,
  cause, actor)
SELECT * FROM unnest(CAST(:person_id AS bigint[]), CAST(:at AS timestamptz[]), CAST(:before_colour AS text[]),
  CAST(:before_popups AS text[]), CAST(:after_colour AS text[]), CAST(:after_popups AS text[]),
  CAST(:cause AS text[]), CAST(:actor AS text[]))
"""
STATUS_COLUMNS = (
    "person_id",
    "jurisdiction_path",
    "colour",
    "popups",
    "edition",
    "reasons",
    "next_change_on",
    "derived_at",
    "changed_at",
)
CHANGE_COLUMNS = (
    "person_id",
    "at",
    "before_colour",
    "before_popups",
    "after_colour",
    "after_popups",
    "cause",
    "actor",
)


def _arrays(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dict[str, list[Any]]:
    out = {c: [r[c] for r in rows] for c in columns}
    if "reasons" in out:
        out["reasons"] = [json.dumps(v, ensure_ascii=False) for v in out["reasons"]]
    return out


def write_statuses(
    session: Session, inserts: Sequence[dict[str, Any]], updates: Sequence[dict[str, Any]]
) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    if inserts:
        if postgres:
            session.execute(text(_INSERT), _arrays(inserts, STATUS_COLUMNS))
        else:
            session.execute(insert(HealthStatus), list(inserts))
    if updates:
        if postgres:
            session.execute(text(_UPDATE), _arrays(updates, STATUS_COLUMNS))
        else:
            session.execute(update(HealthStatus), list(updates))
        session.expire_all()


def write_changes(session: Session, changes: Sequence[dict[str, Any]]) -> None:
    if not changes:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_CHANGES), _arrays(changes, CHANGE_COLUMNS))
    else:
        session.execute(insert(HealthStatusChange), list(changes))
