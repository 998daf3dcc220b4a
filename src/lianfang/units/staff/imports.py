"""Importing staff lists from CSV / Excel, with a per-row report (staff match on unit and person)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden, Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.people.models import Person
from lianfang.units import repository
from lianfang.units.access import IMPORT, STAFF, WRITE, covers_unit, is_officer
from lianfang.units.events import UnitStaffImported
from lianfang.units.models import Unit, UnitMembership
from lianfang.units.rules import normalise_code, role_conflict, via_unit_problem
from lianfang.units.staff.service import lookup_hashes, person_problem, role_of

STAFF_COLUMNS = ("unit_code", "id_number", "role")


@dataclass
class _StaffLookups:
    units: dict[str, Unit]
    people: dict[str, Person]
    allowed: dict[int, bool]


def _lookups(ctx: Ctx, rows: list[Row]) -> _StaffLookups:
    units = repository.by_codes(
        ctx.session,
        [normalise_code(r.get("unit_code")) for r in rows]
        + [normalise_code(r.get("via_unit_code")) for r in rows],
    )
    hashes = sorted({h for r in rows if r.get("id_number") for h in lookup_hashes(ctx, r.get("id_number"))})
    people: dict[str, Person] = {}
    for start in range(0, len(hashes), repository.CHUNK):
        chunk = hashes[start : start + repository.CHUNK]
        for person in ctx.session.scalars(select(Person).where(Person.id_hash.in_(chunk))):
            people[person.id_hash] = person
    allowed = {u.id: covers_unit(ctx.session, ctx.actor, u) for u in units.values()}
    return _StaffLookups(units, people, allowed)


def _person(ctx: Ctx, lookups: _StaffLookups, number: str) -> Person | None:
    if not number:
        return None
    for digest in lookup_hashes(ctx, number):
        if digest in lookups.people:
            return lookups.people[digest]
    return None


def import_staff(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Rows (unit_code, id_number, role[, group_name, via_unit_code]). Registry importers load the units
    of their subtree; a unit officer loads their own units. A person already in the unit with the same
    details is unchanged; with other details the entry is updated; a left member rejoins."""
    if not (ctx.actor.can(IMPORT) or ctx.actor.can(STAFF)):
        raise Forbidden()
    if not is_officer(ctx.actor):
        ctx.actor.require(WRITE)
    rows = read_table(filename, content, STAFF_COLUMNS)
    lookups = _lookups(ctx, rows)
    report = ImportReport(dry_run=dry_run, problems=[])
    problems: list[Problem] = []
    parsed: list[tuple[Row, Unit, Person, str, Unit | None]] = []
    for row in rows:
        unit = lookups.units.get(normalise_code(row.get("unit_code")))
        if unit is None or not lookups.allowed.get(unit.id, False):
            problems.append(
                Problem(
                    "unit_code",
                    f"找不到单位“{row.get('unit_code')}”，或不在您的管辖范围内",
                    f"unit {row.get('unit_code')!r} not found or outside your reach",
                    row.number,
                )
            )
            continue
        row_problems: list[Problem] = []
        if not unit.active:
            row_problems.append(Problem("unit_code", "该单位已停用", "the unit is inactive", row.number))
        role, role_problems = role_of(row.get("role"), unit, row.number)
        row_problems += role_problems
        person = _person(ctx, lookups, row.get("id_number"))
        problem = person_problem(ctx, person, row.get("id_number"), None, row.number)
        row_problems += [problem] if problem else []
        via_code = normalise_code(row.get("via_unit_code"))
        via = lookups.units.get(via_code) if via_code else None
        if via_code:
            via_problem = via_unit_problem(
                via.kind if via else None,
                bool(via and via.active),
                bool(via and via.id == unit.id),
                "via_unit_code",
                row.number,
            )
            row_problems += [via_problem] if via_problem else []
        if row_problems:
            problems.extend(row_problems)
            continue
        assert person is not None and role is not None
        parsed.append((row, unit, person, role, via))
    _apply_staff(ctx, parsed, report, problems, dry_run)
    report.problems = sorted(problems, key=lambda p: p.row or 0)
    if not dry_run:
        audit.record(
            ctx,
            "unit.staff_import",
            "unit",
            None,
            ctx.actor.scope_path,
            file=filename,
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
        ctx.publish(UnitStaffImported(report.created, report.updated))
    return report


def _apply_staff(
    ctx: Ctx,
    parsed: list[tuple[Row, Unit, Person, str, Unit | None]],
    report: ImportReport,
    problems: list[Problem],
    dry_run: bool,
) -> None:
    existing = repository.memberships_for(ctx.session, [(u.id, p.id) for _, u, p, _, _ in parsed])
    seen: dict[tuple[int, int], int] = {}
    today = local_date(ctx.now)
    for row, unit, person, role, via in parsed:
        key = (unit.id, person.id)
        if key in seen:
            problems.append(
                Problem(
                    "id_number",
                    f"该人员在本单位已在第{seen[key]}行登记",
                    f"this person is already listed for this unit in row {seen[key]}",
                    row.number,
                )
            )
            continue
        seen[key] = row.number
        current = existing.get(key)
        group, via_id = row.get("group_name")[:120], via.id if via else None
        if current is None:
            report.created += 1
            if not dry_run:
                ctx.session.add(
                    UnitMembership(
                        unit_id=unit.id,
                        person_id=person.id,
                        role=role,
                        group_name=group,
                        via_unit_id=via_id,
                        start_date=today,
                        created_at=ctx.now,
                    )
                )
            continue
        if current.end_date is None:
            conflict = role_conflict(current.role, role, "role", row.number)
            if conflict is not None:
                problems.append(conflict)
                continue
            if (current.role, current.group_name, current.via_unit_id) == (role, group, via_id):
                report.unchanged += 1
                continue
        report.updated += 1
        if not dry_run:
            if current.end_date is not None:
                current.start_date, current.end_date = today, None
            current.role, current.group_name, current.via_unit_id = role, group, via_id
    if not dry_run:
        ctx.session.flush()
