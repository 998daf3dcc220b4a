"""Carriers' passenger manifests (乘客名单): who sat where on a flight, train or coach (CSV or Excel).

Columns: mode (flight / train_sealed / ... or 飞机, 高铁, 动车, 大巴 ...), number (CA1234, G101), date (the
service day, YYYY-MM-DD), id_number (resident IDs checked with their check character), name; optional
id_kind, carriage, seat ("12C", "05车12F"), phone, city, carrier. A trip is (number, date); a passenger is
(trip, keyed hash of the identity): re-running a file creates nothing new, a changed seat updates the row.
Registered people are matched city-wide by keyed hash; the others are kept with their name and sealed
phone, to be proposed as contacts outside the registry. Every valid row is applied in the one transaction
with the report; every invalid row is reported with its row and field."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, tuple_

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import Problem
from lianfang.core.phone import normalise_phone, phone_problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.people import repository as people_repository
from lianfang.people.models import Person
from lianfang.people.rules import (
    document_problem,
    id_hash,
    mask_id,
    name_problem,
    normalise_id_kind,
    normalise_id_number,
)
from lianfang.tracing import rules
from lianfang.tracing.access import WRITE
from lianfang.tracing.models import TracingPassenger, TracingTrip

COLUMNS = ("mode", "number", "date", "id_number", "name")
_NUMBER = re.compile(r"^[A-Z0-9-]{2,20}$")


def _check(ctx: Ctx, row: Row) -> tuple[dict[str, object], list[Problem]]:
    n = row.number
    found: list[Problem] = []
    mode = rules.transport_mode(row.get("mode"))
    if mode is None:
        names = " | ".join(rules.TRANSPORT_MODES)
        found.append(Problem("mode", f"交通方式“{row.get('mode')}”无效", f"mode: {names}", n))
    number = row.get("number").upper().replace(" ", "")
    if not _NUMBER.match(number):
        found.append(Problem("number", "航班/车次应为2-20位字母或数字", "number: 2-20 letters or digits", n))
    try:
        day: date | None = date.fromisoformat(row.get("date")[:10])
    except ValueError:
        day = None
        found.append(Problem("date", f"日期“{row.get('date')}”应为YYYY-MM-DD", "date must be YYYY-MM-DD", n))
    kind = normalise_id_kind(row.get("id_kind") or "resident_id")
    if kind is None:
        found.append(Problem("id_kind", "证件类型无效", "id_kind: resident_id | passport | other", n))
    else:
        problem = document_problem(kind, row.get("id_number"), ctx.now.date(), "id_number", n)
        found += [problem] if problem else []
    problem = name_problem(row.get("name"), "name", n)
    found += [problem] if problem else []
    phone = normalise_phone(row.get("phone")) if row.get("phone") else ""
    if phone and (problem := phone_problem(phone, "phone", n)) is not None:
        found.append(problem)
    seat = rules.parse_seat(row.get("seat"), row.get("carriage")[:8])
    if seat is None:
        found.append(Problem("seat", f"座位“{row.get('seat')}”无法识别", "the seat cannot be read", n))
    elif mode is not None and (missing := rules.seat_problem(mode, *seat)) is not None:
        found.append(Problem("seat", missing[0], missing[1], n))
    if len(row.get("city")) > 60 or len(row.get("carrier")) > 120:
        found.append(Problem("city", "城市最多60字，承运企业最多120字", "city ≤ 60, carrier ≤ 120", n))
    values: dict[str, object] = {
        "mode": mode,
        "number": number,
        "date": day,
        "hash": id_hash(ctx.settings, kind or "resident_id", row.get("id_number")) if kind else "",
        "masked": mask_id(normalise_id_number(row.get("id_number"))),
        "carriage": seat[0] if seat else None,
        "row": seat[1] if seat else None,
        "seat": row.get("seat").upper().replace(" ", "")[:8] or None,
        "phone": phone,
    }
    return values, found


def _trips(ctx: Ctx, keys: set[tuple[str, date]]) -> dict[tuple[str, date], TracingTrip]:
    found: dict[tuple[str, date], TracingTrip] = {}
    wanted = sorted(keys)
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        stmt = select(TracingTrip).where(tuple_(TracingTrip.number, TracingTrip.service_date).in_(chunk))
        found.update({(t.number, t.service_date): t for t in ctx.session.scalars(stmt)})
    return found


def _passengers(ctx: Ctx, trip_ids: list[int]) -> dict[tuple[int, str], TracingPassenger]:
    existing: dict[tuple[int, str], TracingPassenger] = {}
    for start in range(0, len(trip_ids), 500):
        stmt = select(TracingPassenger).where(TracingPassenger.trip_id.in_(trip_ids[start : start + 500]))
        existing.update({(p.trip_id, p.id_hash): p for p in ctx.session.scalars(stmt)})
    return existing


def _save(
    ctx: Ctx, row: Row, passenger: TracingPassenger, person: Person | None, v: dict[str, object]
) -> None:
    """The passenger's fields: identity link, seat; name, sealed phone and city only when unregistered."""
    passenger.id_masked = str(v["masked"])
    passenger.person_id = person.id if person else None
    passenger.jurisdiction_path = person.jurisdiction_path if person else None
    passenger.name = "" if person else row.get("name")[:120]
    passenger.phone_sealed = vault(ctx.settings).seal(str(v["phone"])) if v["phone"] and not person else ""
    passenger.city = "" if person else row.get("city")[:60]
    passenger.carriage, passenger.seat_row, passenger.seat = v["carriage"], v["row"], v["seat"]  # type: ignore[assignment]
    passenger.updated_at = ctx.now


def import_manifest(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    ctx.actor.require(WRITE)
    rows = read_table(filename, content, COLUMNS)
    report = ImportReport(dry_run=dry_run, problems=[])
    checked = [(row, *_check(ctx, row)) for row in rows]
    keys = {(str(v["number"]), v["date"]) for _r, v, p in checked if not p and isinstance(v["date"], date)}
    trips = _trips(ctx, keys)
    existing = _passengers(ctx, [t.id for t in trips.values()])
    people = people_repository.by_id_hashes(ctx.session, [str(v["hash"]) for _r, v, p in checked if not p])
    keys_seen: dict[tuple[str, date, str], int] = {}
    modes: dict[tuple[str, date], str] = {k: t.mode for k, t in trips.items()}
    problems: list[Problem] = []
    for row, v, row_problems in checked:
        if row_problems:
            problems += row_problems
            continue
        number, day, hashed, mode = str(v["number"]), v["date"], str(v["hash"]), str(v["mode"])
        assert isinstance(day, date)
        if (number, day, hashed) in keys_seen:
            first = keys_seen[(number, day, hashed)]
            problems.append(
                Problem("id_number", f"与第{first}行为同一乘客", f"same passenger as row {first}", row.number)
            )
            continue
        if modes.setdefault((number, day), mode) != mode:
            problems.append(
                Problem("mode", "同一班次的交通方式不一致", "the mode differs from this trip's", row.number)
            )
            continue
        keys_seen[(number, day, hashed)] = row.number
        trip = trips.get((number, day))
        if trip is None and not dry_run:
            trip = TracingTrip(
                mode=mode,
                number=number,
                service_date=day,
                carrier=row.get("carrier")[:120],
                jurisdiction_path=ctx.actor.scope_path or "/",
                created_at=ctx.now,
            )
            ctx.session.add(trip)
            ctx.session.flush()
            trips[(number, day)] = trip
        person = people.get(hashed)
        seat = (v["carriage"], v["row"], v["seat"])
        current = existing.get((trip.id, hashed)) if trip is not None else None
        if current is not None and (current.carriage, current.seat_row, current.seat) == seat:
            report.unchanged += 1
            continue
        report.created += current is None
        report.updated += current is not None
        if dry_run or trip is None:
            continue
        if current is None:
            current = TracingPassenger(trip_id=trip.id, id_hash=hashed, created_at=ctx.now)
            ctx.session.add(current)
            existing[(trip.id, hashed)] = current
        _save(ctx, row, current, person, v)
    report.problems = problems
    if not dry_run:
        ctx.session.flush()
        audit.record(
            ctx,
            "tracing.manifest.import",
            "tracing_trip",
            None,
            ctx.actor.scope_path,
            file=filename,
            trips=sorted(f"{n} {d.isoformat()}" for n, d in {(k[0], k[1]) for k in keys_seen}),
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
    return report
