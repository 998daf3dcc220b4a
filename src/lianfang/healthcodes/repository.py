"""Writing many statuses at once. On PostgreSQL each batch is one statement per table over one JSON
parameter (`json_to_recordset`): an executemany of thousands of single-row UPDATEs, and then dumping
column arrays in Python, were most of the nightly pass's time.
SQLite keeps the plain bulk statements behind the same functions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, literal, select, text, update
from sqlalchemy.orm import Session

from lianfang.checkins.models import VenueCode
from lianfang.core.db import among
from lianfang.core.types import UTCDateTime
from lianfang.healthcodes.models import HealthStatus, HealthStatusChange

_STATUS_RECORD = """json_to_recordset(CAST(:rows AS json)) AS v(person_id bigint, jurisdiction_path text,
  colour text, popups text, edition text, facts json, next_change_on date, clears_on date,
  derived_at timestamptz, changed_at timestamptz)"""
_UPDATE = f"""
UPDATE health_statuses AS h SET colour = v.colour, popups = v.popups, edition = v.edition, facts = v.facts,
  next_change_on = v.next_change_on, clears_on = v.clears_on, derived_at = v.derived_at,
  changed_at = v.changed_at,
  jurisdiction_path = v.jurisdiction_path
FROM {_STATUS_RECORD}
WHERE h.person_id = v.person_id
"""  # noqa: S608 - a constant fragment, no input in it
_INSERT = f"""
INSERT INTO health_statuses (person_id, jurisdiction_path, colour, popups, edition, facts, next_change_on,
  clears_on, derived_at, changed_at)
SELECT v.person_id, v.jurisdiction_path, v.colour, v.popups, v.edition, v.facts, v.next_change_on,
  v.clears_on, v.derived_at, v.changed_at
FROM {_STATUS_RECORD}
"""  # noqa: S608 - a constant fragment, no input in it
_CHANGES = """
INSERT INTO health_status_changes (person_id, at, before_colour, before_popups, after_colour, after_popups,
  cause, actor)
SELECT * FROM json_to_recordset(CAST(:rows AS json)) AS v(person_id bigint, at timestamptz,
  before_colour text, before_popups text, after_colour text, after_popups text, cause text, actor text)
"""


def _rows(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """One JSON parameter for the whole batch: built in C by `json`, parsed once by the server."""
    return {"rows": json.dumps(list(rows), ensure_ascii=False, default=_iso)}


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    msg = f"not JSON: {type(value).__name__}"
    raise TypeError(msg)


def write_statuses(
    session: Session,
    inserts: Sequence[dict[str, Any]],
    updates: Sequence[dict[str, Any]],
    deletes: Sequence[int] = (),
) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    if deletes:
        gone = delete(HealthStatus).where(among(session, HealthStatus.person_id, deletes))
        session.execute(gone.execution_options(synchronize_session=False))
    if inserts:
        if postgres:
            session.execute(text(_INSERT), _rows(inserts))
        else:
            session.execute(insert(HealthStatus), list(inserts))
    if updates:
        if postgres:
            session.execute(text(_UPDATE), _rows(updates))
        else:
            session.execute(update(HealthStatus), list(updates))
    if updates or deletes:
        session.expire_all()


def write_changes(session: Session, changes: Sequence[dict[str, Any]]) -> None:
    if not changes:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_CHANGES), _rows(changes))
    else:
        session.execute(insert(HealthStatusChange), list(changes))


def clear_ended(
    session: Session, today: date, now: datetime, cause: str, actor: str
) -> tuple[int, list[int]]:
    """Rows whose every fact is over by today: a change record for those that showed something, then
    the rows go (no row = green). Set-based, no derivation. Returns (rows cleared, registrars among them)."""
    h = HealthStatus
    ended = h.clears_on <= today
    shown = select(
        h.person_id,
        literal(now, UTCDateTime()),
        h.colour,
        h.popups,
        literal("green"),
        literal(""),
        literal(cause),
        literal(actor),
    ).where(ended, (h.colour != "green") | (h.popups != ""))
    columns = [
        "person_id",
        "at",
        "before_colour",
        "before_popups",
        "after_colour",
        "after_popups",
        "cause",
        "actor",
    ]
    session.execute(insert(HealthStatusChange).from_select(columns, shown))
    holders = list(
        session.scalars(
            select(VenueCode.registrar_person_id)
            .where(VenueCode.registrar_person_id.in_(select(h.person_id).where(ended)))
            .distinct()
        )
    )
    gone = session.execute(delete(h).where(ended).execution_options(synchronize_session=False))
    session.expire_all()
    return int(getattr(gone, "rowcount", 0) or 0), holders
