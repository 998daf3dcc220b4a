"""Use cases over scans: check one scan (API, page, batch line), record a visit from the scan page,
check out. Codes have their own verbs (`codes.py`); uploads are in `ingest.py`.

A scan is validated completely before it is written; what is written is a `ScanRow` handed to the
group-commit writer (single scans) or the bulk loader (batches). A scan row is its own record (venue,
code, source, time); batches and check-outs also leave audit rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from lianfang.checkins import rules
from lianfang.checkins.access import access_scan, own_person
from lianfang.checkins.models import Scan
from lianfang.checkins.rules import PersonInfo, Status
from lianfang.checkins.scans.ports import provider_for
from lianfang.checkins.scans.views import CodeInfo, ScanState, person_info
from lianfang.checkins.scans.writer import ScanRow
from lianfang.core import audit
from lianfang.core.access import Actor
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.core.events import EventBus
from lianfang.people.rules import id_number_problem
from lianfang.venues.access import OPERATE, WRITE
from lianfang.venues.models import Venue


@dataclass(frozen=True)
class ScanInput:
    """One scan as a device or a file line gives it."""

    code: str
    idempotency_key: str
    scanned_at: datetime | None = None
    left_at: datetime | None = None
    person_pseudonym: str | None = None
    id_number: str | None = None


def may_post_for(actor: Actor, code: CodeInfo) -> bool:
    """Devices post for venues their account operates; registry writers for venues in their subtree."""
    if actor.kind == "system":
        return True
    if actor.kind != "staff":
        return False
    if actor.can(OPERATE) and actor.user_id is not None and code.operator_user_id == actor.user_id:
        return True
    return actor.can(WRITE) and actor.covers(code.jurisdiction_path)


def input_problems(item: ScanInput, now: datetime, row: int | None) -> list[Problem]:
    """What can be said about a line before any look-up."""
    problems: list[Problem] = []
    bad_key = rules.key_problem(item.idempotency_key, row)
    if bad_key is not None:
        problems.append(bad_key)
    if rules.code_reference(item.code) is None:
        problems.append(Problem("code", "场所码无效", "the venue code is not valid", row))
    if bool(item.person_pseudonym) == bool(item.id_number):
        problems.append(
            Problem(
                "person",
                "请提供人员编号或证件号码（二选一）",
                "give either person_pseudonym or id_number",
                row,
            )
        )
    elif item.id_number:
        bad_id = id_number_problem(item.id_number, local_date(now), "id_number", row)
        if bad_id is not None:
            problems.append(bad_id)
    return problems


def scan_problems(
    actor: Actor, item: ScanInput, code: CodeInfo | None, now: datetime, retention: int, row: int | None
) -> list[Problem]:
    """What can be said once the code is looked up (the person is resolved with the write)."""
    problems: list[Problem] = []
    scanned_at = item.scanned_at or now
    problems += rules.time_problems(scanned_at, item.left_at, now, retention, row)
    if code is None or not may_post_for(actor, code):
        problems.append(
            Problem("code", "场所码不存在，或不属于您的场所", "unknown venue code, or not your venue", row)
        )
    elif scanned_at.tzinfo is not None:
        state = (
            rules.venue_state_problem(code.status, code.changed_at, scanned_at, row)
            if code.code_id is None
            else rules.code_state_problem(code.status, code.changed_at, code.expires_at, scanned_at, row)
        )
        if state is not None:
            problems.append(state)
    return problems


def build_row(
    code: CodeInfo,
    person_id: int | None,
    resident_id: int | None,
    scanned_at: datetime,
    left_at: datetime | None,
    source: str,
    key: str,
    now: datetime,
    person_key: str | None = None,
) -> ScanRow:
    return ScanRow(
        scan_date=rules.scan_date(scanned_at),
        venue_id=code.venue_id,
        person_id=person_id,
        resident_id=resident_id,
        scanned_at=scanned_at,
        stay_until=rules.stay_until(scanned_at, left_at, code.venue_kind),
        checked_out=left_at is not None,
        source=source,
        code_id=code.code_id,
        idempotency_key=key,
        created_at=now,
        person_key=person_key,
    )


def status_of(session: Session | None, bus: EventBus, person_id: int | None, now: datetime) -> Status:
    if person_id is None:
        return rules.NOT_AVAILABLE
    return provider_for(bus).status_for_person(session, person_id, now)


def prepare_visit(
    session: Session, actor: Actor, state: ScanState, token: str, person_id: int, key: str, now: datetime
) -> tuple[ScanRow, CodeInfo, PersonInfo]:
    """The scan page: a signed-in resident registers one of their own persons at a venue code."""
    code = state.code(session, f"/s/{token}")
    if code is None or code.code_id is None:
        raise NotFound("场所码", "venue code")
    person = own_person(session, actor, person_id)  # only the resident's own records
    problems: list[Problem] = []
    bad_key = rules.key_problem(key)
    if bad_key is not None:
        problems.append(bad_key)
    state_problem = rules.code_state_problem(code.status, code.changed_at, code.expires_at, now, None)
    if state_problem is not None:
        problems.append(state_problem)
    if problems:
        raise Invalid(problems)
    row = build_row(code, person.id, actor.resident_id, now, None, "page", key, now)
    return row, code, person_info(person)


def checkout(ctx: Ctx, scan_id: int, left_at: datetime | None) -> Scan:
    """Close a visit early (or late, up to the longest stay): the scan's operator or the visitor."""
    scan = access_scan(ctx.session, ctx.actor, scan_id)
    when = left_at or ctx.now
    problem = rules.checkout_problem(scan.scanned_at, when, ctx.now)
    if problem is not None:
        raise Invalid([problem])
    venue = ctx.session.get(Venue, scan.venue_id)
    before = scan.stay_until
    scan.stay_until = rules.stay_until(scan.scanned_at, when, venue.kind if venue else "other")
    scan.checked_out = True
    ctx.session.flush()
    audit.record(
        ctx,
        "scan.checkout",
        "scan",
        scan.id,
        venue.jurisdiction_path if venue else None,
        venue_id=scan.venue_id,
        before=before.isoformat(),
        after=scan.stay_until.isoformat(),
    )
    return scan
