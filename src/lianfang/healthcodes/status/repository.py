"""Writing many statuses at once. On PostgreSQL each batch is one statement per table over one JSON
parameter (`json_to_recordset`): an executemany of thousands of single-row UPDATEs, and then dumping
column arrays in Python, were most of the nightly pass's time.
SQLite keeps the plain bulk statements behind the same functions.

Reads the facts of the lower modules for a batch of people, as `rules.Fact` values: control orders (by
phase), tracing cases and confirmed contacts, pooled-positive temporary controls, pop-up ① and ⑤ travel
flags, inbound observation (②), testing duties and missing arrival tests (④), and decided clearances.

One query per source for the whole batch (`person_id IN (...)`, each on an index that starts with
person_id), so the nightly pass and bulk refreshes cost a handful of statements per thousand people."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, literal, select, text, update
from sqlalchemy.orm import Session

from lianfang.checkins.models import VenueCode
from lianfang.control.models import ControlOrder
from lianfang.core.clock import local_date
from lianfang.core.db import among
from lianfang.core.types import UTCDateTime
from lianfang.healthcodes import rules
from lianfang.healthcodes.models import Clearance, HealthStatus, HealthStatusChange
from lianfang.testing.models import Sample, TemporaryControl, Tube, TubeResult
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.travel.models import ObservationRequirement, RiskArea, TravelFlag, TravelRecord
from lianfang.unithealth.models import TestingDuty

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


BORDER_LEVEL = "border"


CONTACT_DAYS = 14  # an association stops counting once the incubation window after the last contact is over


LOOKBACK = timedelta(days=30)  # 健康宝 shows 30 days of results (§4.4); nothing older changes a status


@dataclass
class PersonFacts:
    facts: list[rules.Fact] = field(default_factory=list)
    clearances: list[rules.Clearance] = field(default_factory=list)


@dataclass(frozen=True)
class _Result:
    sampled_at: datetime
    reported_at: datetime | None
    result: str | None


def load(session: Session, person_ids: Sequence[int], now: datetime) -> dict[int, PersonFacts]:
    out: dict[int, PersonFacts] = defaultdict(PersonFacts)
    if not person_ids:
        return out
    ids = list(person_ids)
    today = local_date(now)
    rule_set = rules.rule_set_on(today)
    results = _results(session, ids, now)
    _orders(session, ids, out)
    _cases(session, ids, out)
    _contacts(session, ids, out)
    _pool_positives(session, ids, now, out)
    _flags(session, ids, results, out)
    _inbound(session, ids, out)
    _duties(session, ids, now, out)
    _arrivals(session, ids, today, rule_set, results, out)
    stmt = select(Clearance.person_id, Clearance.popup, Clearance.cleared_at)
    for pid, popup, cleared in session.execute(stmt.where(among(session, Clearance.person_id, ids))):
        out[pid].clearances.append(rules.Clearance(popup, cleared))
    return out


def _results(session: Session, ids: list[int], now: datetime) -> dict[int, list[_Result]]:
    """Each person's samples of the last 30 days with their tube's result. A positive pool is no result
    for its members (their single-tube recheck decides), so pooled positives read as pending."""
    rows = session.execute(
        select(Sample.person_id, Sample.sampled_at, TubeResult.reported_at, TubeResult.result, Tube.kind)
        .join(Tube, Tube.id == Sample.tube_id)
        .outerjoin(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(among(session, Sample.person_id, ids), Sample.sampled_at >= now - LOOKBACK)
        .order_by(Sample.sampled_at)
    )
    found: dict[int, list[_Result]] = defaultdict(list)
    for pid, sampled, reported, result, kind in rows:
        pending = kind == "pooled" and result == "positive"
        found[pid].append(_Result(sampled, None if pending else reported, None if pending else result))
    return found


def _first_reported(results: list[_Result], since: datetime, negative_only: bool) -> datetime | None:
    times = [
        r.reported_at
        for r in results
        if r.sampled_at >= since
        and r.reported_at is not None
        and (r.result == "negative" if negative_only else r.result in ("negative", "positive"))
    ]
    return min(times, default=None)


def _orders(session: Session, ids: list[int], out: dict[int, PersonFacts]) -> None:
    stmt = select(ControlOrder).where(
        among(session, ControlOrder.person_id, ids), ControlOrder.status == "active"
    )
    for order in session.scalars(stmt):
        le = order.last_exposure_on
        iso = order.centralised_days + order.home_days
        phases = [
            ("order_centralised", le, le + timedelta(days=order.centralised_days), order.centralised_days),
            (
                "order_home_quarantine",
                le + timedelta(days=order.centralised_days + 1),
                le + timedelta(days=iso),
                order.home_days,
            ),
            ("order_home_monitoring", le + timedelta(days=iso + 1), None, order.monitoring_days),
        ]
        present = [p for p in phases if p[3] > 0]
        for i, (fact_kind, start, end, _days) in enumerate(present):
            last = i == len(present) - 1
            since = max(order.created_at, rules.start_of_day(start)) if i else order.created_at
            # The last measure holds until the order is released (期满并经认定后解除), not by date alone.
            out[order.person_id].facts.append(
                rules.Fact(fact_kind, f"control_order:{order.id}", since, None if last else end)
            )


def _cases(session: Session, ids: list[int], out: dict[int, PersonFacts]) -> None:
    stmt = select(TracingCase.id, TracingCase.person_id, TracingCase.reported_at).where(
        among(session, TracingCase.person_id, ids), TracingCase.status.in_(("pending", "open"))
    )
    for case_id, pid, reported in session.execute(stmt):
        out[pid].facts.append(rules.Fact("case", f"tracing_case:{case_id}", reported))


def _contacts(session: Session, ids: list[int], out: dict[int, PersonFacts]) -> None:
    c = TracingContact
    stmt = (
        select(
            c.id, c.person_id, c.category, c.last_contact_at, c.first_contact_at, c.decided_at, c.created_at
        )
        .join(TracingCase, TracingCase.id == c.case_id)
        .where(
            among(session, c.person_id, ids),
            c.status == "confirmed",
            TracingCase.status.in_(("pending", "open", "closed")),
        )
    )
    for cid, pid, category, last, first, decided, created in session.execute(stmt):
        ends = local_date(last or first or created) + timedelta(days=CONTACT_DAYS)
        fact = rules.Fact("contact", f"tracing_contact:{cid}", decided or created, ends, None, category)
        if pid is not None:
            out[pid].facts.append(fact)


def _pool_positives(session: Session, ids: list[int], now: datetime, out: dict[int, PersonFacts]) -> None:
    t = TemporaryControl
    stmt = select(t.id, t.person_id, t.raised_at, t.lifted_at).where(
        among(session, t.person_id, ids), t.lifted_at.is_(None) | (t.lifted_at >= now - timedelta(days=1))
    )
    for tid, pid, raised, lifted in session.execute(stmt):
        out[pid].facts.append(rules.Fact("pool_positive", f"testing_control:{tid}", raised, None, lifted))


def _flags(
    session: Session, ids: list[int], results: dict[int, list[_Result]], out: dict[int, PersonFacts]
) -> None:
    stmt = (
        select(TravelFlag, RiskArea.level)
        .join(RiskArea, RiskArea.id == TravelFlag.risk_area_id)
        .where(among(session, TravelFlag.person_id, ids), TravelFlag.state == "open")
    )
    for flag, level in session.execute(stmt):
        ends = flag.expires_on - timedelta(days=1) if flag.expires_on else None
        if level == BORDER_LEVEL:
            cleared = _first_reported(results.get(flag.person_id, []), flag.raised_at, negative_only=True)
            fact = rules.Fact(
                "border_flag", f"travel_flag:{flag.id}", flag.raised_at, ends, cleared, flag.place_code
            )
        else:
            fact = rules.Fact(
                "travel_flag", f"travel_flag:{flag.id}", flag.raised_at, ends, None, flag.place_code
            )
        out[flag.person_id].facts.append(fact)


def _inbound(session: Session, ids: list[int], out: dict[int, PersonFacts]) -> None:
    o = ObservationRequirement
    stmt = select(o.id, o.person_id, o.created_at, o.starts_on, o.popup2_until).where(
        among(session, o.person_id, ids),
        o.kind == "inbound",
        o.state == "required",
        o.popup2_until.is_not(None),
    )
    for obs_id, pid, created, starts, until in session.execute(stmt):
        since = min(created, rules.start_of_day(starts))
        out[pid].facts.append(rules.Fact("inbound", f"travel_observation:{obs_id}", since, until))


def _duties(session: Session, ids: list[int], now: datetime, out: dict[int, PersonFacts]) -> None:
    stmt = select(TestingDuty).where(
        among(session, TestingDuty.person_id, ids),
        TestingDuty.cleared_at.is_(None) | (TestingDuty.cleared_at >= now - timedelta(days=1)),
    )
    for duty in session.scalars(stmt):
        assert duty.person_id is not None
        out[duty.person_id].facts.append(
            rules.Fact("testing_duty", f"testing_duty:{duty.id}", duty.started_at, None, duty.cleared_at)
        )


def _arrivals(
    session: Session,
    ids: list[int],
    today: date,
    rule_set: rules.RuleSet,
    results: dict[int, list[_Result]],
    out: dict[int, PersonFacts],
) -> None:
    """④ for a return to the city without a test in time: from the due day until a result comes back. A
    sample taken before the due day means there is nothing to show, whatever its result time."""
    stmt = select(TravelRecord.id, TravelRecord.person_id, TravelRecord.to_on).where(
        among(session, TravelRecord.person_id, ids),
        TravelRecord.state == "active",
        TravelRecord.to_on.is_not(None),
        TravelRecord.to_on >= today - timedelta(days=14),
    )
    for record_id, pid, back in session.execute(stmt):
        assert back is not None
        arrived = rules.start_of_day(back)
        due = rules.start_of_day(rules.arrival_test_due(back, rule_set))
        mine = results.get(pid, [])
        if any(arrived <= r.sampled_at < due for r in mine):
            continue
        cleared = _first_reported(mine, due, negative_only=False)
        ends = back + timedelta(days=14)
        out[pid].facts.append(rules.Fact("arrival_test", f"travel_record:{record_id}", due, ends, cleared))


def people_with_facts(session: Session, today: date) -> list[int]:
    window = today - timedelta(days=14)
    sources = [
        select(ControlOrder.person_id).where(ControlOrder.status == "active"),
        select(TracingCase.person_id).where(TracingCase.status.in_(("pending", "open"))),
        select(TracingContact.person_id).where(
            TracingContact.status == "confirmed", TracingContact.person_id.is_not(None)
        ),
        select(TemporaryControl.person_id).where(TemporaryControl.lifted_at.is_(None)),
        select(TravelFlag.person_id).where(TravelFlag.state == "open"),
        select(ObservationRequirement.person_id).where(
            ObservationRequirement.state == "required", ObservationRequirement.popup2_until >= today
        ),
        select(TestingDuty.person_id).where(
            TestingDuty.cleared_at.is_(None), TestingDuty.person_id.is_not(None)
        ),
        select(TravelRecord.person_id).where(TravelRecord.state == "active", TravelRecord.to_on >= window),
    ]
    found: set[int] = set()
    for stmt in sources:
        found.update(pid for pid in session.scalars(stmt.distinct()) if pid is not None)
    return sorted(found)
