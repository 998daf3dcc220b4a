"""Bulk travel records from carriers' itinerary data and transport hubs (CSV or Excel).

Columns: id_number, place_code, from_on, to_on (empty: still there), ref (the carrier's own record id),
optional id_kind and carrier. A row is matched by (source, ref): re-running a file creates nothing new, a
row whose stay changed supersedes the stored record (history kept). Every valid row is applied in the one
transaction with the report; every invalid row is reported with its row and field. The people of the file
are re-flagged in one statement at the end."""

from __future__ import annotations

from datetime import date

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.people import repository as people_repository
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, normalise_id_kind, normalise_id_number
from lianfang.travel import access, repository, rules, service
from lianfang.travel.flags import service as flags
from lianfang.travel.models import TravelRecord
from lianfang.travel.observations import service as observations

COLUMNS = ("id_number", "place_code", "from_on", "to_on", "ref")


def parse_day(raw: str, field: str, row: int | None) -> tuple[date | None, Problem | None]:
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw.strip()[:10]), None
    except ValueError:
        return None, Problem(field, f"日期“{raw}”应为YYYY-MM-DD", f"date {raw!r} must be YYYY-MM-DD", row)


def _check_row(
    ctx: Ctx, row: Row, person: Person | None, current: TravelRecord | None, seen: dict[str, int]
) -> tuple[service.StayInput, list[Problem]]:
    ref = row.get("ref")
    from_on, from_problem = parse_day(row.get("from_on"), "from_on", row.number)
    to_on, to_problem = parse_day(row.get("to_on"), "to_on", row.number)
    found = [p for p in (from_problem, to_problem) if p]
    if not ref or len(ref) > 120:
        found.append(
            Problem("ref", "请填写记录编号（最多120字）", "give the record id (ref, at most 120)", row.number)
        )
    elif ref in seen:
        found.append(
            Problem("ref", f"记录编号与第{seen[ref]}行重复", f"same ref as row {seen[ref]}", row.number)
        )
    if person is None or not ctx.actor.covers(person.jurisdiction_path):
        found.append(
            Problem(
                "id_number",
                "登记人口中没有此证件号码",
                "no registered person has this identity number",
                row.number,
            )
        )
    data = service.StayInput(row.get("place_code"), from_on, to_on)
    if person is not None and not found:
        ignore = current.id if current is not None and current.state == "active" else None
        found += service.stay_problems(ctx, person, data, row.number, ignore)
    return data, found


def _apply(
    ctx: Ctx,
    person: Person,
    data: service.StayInput,
    current: TravelRecord | None,
    source: str,
    ref: str,
    carrier: str,
) -> TravelRecord:
    if current is None:
        return service.insert_stay(ctx, person, data, source, ref, carrier)
    current.source_ref = None  # the ref moves to the correcting record
    ctx.session.flush()
    record = service.insert_stay(ctx, person, data, source, ref, carrier)
    service.supersede(ctx, current, record)
    return record


def import_travel(
    ctx: Ctx, filename: str, content: bytes, dry_run: bool = False, source: str = "carrier"
) -> ImportReport:
    ctx.actor.require(access.IMPORT)
    if source not in ("carrier", "hub"):
        raise DomainError("来源应为承运企业或交通枢纽", "source: carrier or hub", 422)
    rows: list[Row] = read_table(filename, content, COLUMNS)
    report = ImportReport(dry_run=dry_run, problems=[])
    problems: list[Problem] = []
    hashes: dict[int, str] = {}
    for row in rows:
        kind = normalise_id_kind(row.get("id_kind") or "resident_id") or "resident_id"
        hashes[row.number] = id_hash(ctx.settings, kind, normalise_id_number(row.get("id_number")))
    people = people_repository.by_id_hashes(ctx.session, hashes.values())
    existing = repository.existing_refs(ctx.session, source, [r.get("ref") for r in rows if r.get("ref")])
    seen: dict[str, int] = {}
    touched: dict[int, Person] = {}
    decided: list[tuple[Person, TravelRecord]] = []
    for row in rows:
        ref = row.get("ref")
        person = people.get(hashes[row.number])
        current = existing.get(ref)
        data, row_problems = _check_row(ctx, row, person, current, seen)
        if row_problems:
            problems.extend(row_problems)
            continue
        assert person is not None
        seen[ref] = row.number
        code = rules.normalise_code(data.place_code)
        if current is not None and (current.place_code, current.from_on, current.to_on) == (
            code,
            data.from_on,
            data.to_on,
        ):
            report.unchanged += 1
            continue
        if dry_run:
            report.created += current is None
            report.updated += current is not None
            continue
        record = _apply(ctx, person, data, current, source, ref, row.get("carrier")[:120])
        report.created += current is None
        report.updated += current is not None
        touched[person.id] = person
        if record.to_on is not None:
            decided.append((person, record))
    report.problems = problems
    if not dry_run:
        ids = sorted(touched)
        for start in range(0, len(ids), repository.CHUNK):
            repository.upsert_flags(
                ctx.session, ctx.now, access.today_of(ctx), None, ids[start : start + repository.CHUNK]
            )
        flags.assign_verification(ctx)
        for person, record in decided:
            if record.to_on is not None and record.to_on <= access.today_of(ctx):
                observations.decide_returnee(ctx, person, record)
        audit.record(
            ctx,
            "travel.import",
            "travel_record",
            None,
            ctx.actor.scope_path,
            file=filename,
            source=source,
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
    return report
