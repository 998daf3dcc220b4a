"""Dose files from vaccination sites (CSV or Excel).

Columns: id_number, product, dose_number, dosed_on, site_code; optional id_kind, site_name, batch and
record_key (the site's own record id). People are found by the keyed hash of their checked identity
number and must be in the importer's jurisdiction; an unknown person is a row problem, never a new
registration. A dose is matched by (person, dose number) or by (site_code, record_key): re-running a file
creates nothing new, a changed row updates the stored dose (audited with before/after). Every valid row
is applied in the one transaction with the report; then the statuses of the people touched and the
coverage of their communities are refreshed set-based."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.people import repository as people_repository
from lianfang.people import rules as checks
from lianfang.people.models import Person
from lianfang.vaccination import access, refresh, repository, rules, service
from lianfang.vaccination.models import VaccinationDose

COLUMNS = ("id_number", "product", "dose_number", "dosed_on", "site_code")
FIELDS = ("product", "dosed_on", "site_code", "site_name", "batch")


@dataclass
class _Row:
    row: Row
    hash: str | None
    data: service.DoseInput
    key: str | None
    problems: list[Problem]


def _day(raw: str, row: int) -> tuple[date | None, Problem | None]:
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw[:10]), None
    except ValueError:
        return None, Problem(
            "dosed_on", f"日期“{raw}”应为YYYY-MM-DD", f"date {raw!r} must be YYYY-MM-DD", row
        )


def _number(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _parse(ctx: Ctx, row: Row) -> _Row:
    problems: list[Problem] = []
    ident = checks.identity(
        ctx.settings, row.get("id_kind"), row.get("id_number"), access.today_of(ctx), problems, row.number
    )
    dosed_on, bad_day = _day(row.get("dosed_on"), row.number)
    data = service.DoseInput(
        _number(row.get("dose_number")),
        row.get("product"),
        dosed_on,
        row.get("site_code"),
        row.get("site_name"),
        row.get("batch"),
    )
    if bad_day is not None:
        problems.append(bad_day)
        problems += [p for p in service.dose_problems(ctx, data, [], row.number) if p.field != "dosed_on"]
    else:
        problems += service.dose_problems(ctx, data, [], row.number)
    key = row.get("record_key") or None
    if key is not None and len(key) > 120:
        problems.append(
            Problem(
                "record_key", "记录编号最多120字", "the record key has at most 120 characters", row.number
            )
        )
    return _Row(row, ident.hash if ident else None, data, key, problems)


def _values(data: service.DoseInput) -> dict[str, Any]:
    return {
        "product": rules.normalise_product(data.product),
        "dosed_on": data.dosed_on,
        "site_code": data.site_code.strip(),
        "site_name": data.site_name.strip(),
        "batch": data.batch.strip(),
    }


def _stored(dose: VaccinationDose) -> dict[str, Any]:
    return {name: getattr(dose, name) for name in FIELDS}


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _update(
    ctx: Ctx, person: Person, current: VaccinationDose, wanted: dict[str, Any], key: str | None, filename: str
) -> None:
    before = _jsonable(_stored(current))
    for name, value in wanted.items():
        setattr(current, name, value)
    current.record_key = key or current.record_key
    current.updated_at = ctx.now
    audit.record(
        ctx,
        "vaccination.dose.update",
        "vaccination_dose",
        current.id,
        person.jurisdiction_path,
        person_id=person.id,
        before=before,
        after=_jsonable(wanted),
        file=filename,
    )


def _finish(ctx: Ctx, report: ImportReport, touched: dict[int, Person], filename: str) -> None:
    """Statuses of the people touched and coverage of their communities, then the import's audit row."""
    ctx.session.flush()
    refresh.recompute_statuses(ctx, touched)
    refresh.refresh_coverage(ctx, {p.community_id for p in touched.values()})
    audit.record(
        ctx,
        "vaccination.import",
        "vaccination_dose",
        None,
        ctx.actor.scope_path,
        file=filename,
        created=report.created,
        updated=report.updated,
        rejected=len({p.row for p in report.problems or []}),
    )


def import_vaccinations(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    ctx.actor.require(access.WRITE)
    parsed = [_parse(ctx, row) for row in read_table(filename, content, COLUMNS)]
    people = people_repository.by_id_hashes(ctx.session, [p.hash for p in parsed if p.hash])
    doses = repository.doses_of_people(ctx.session, [p.id for p in people.values()])
    by_key = repository.doses_by_keys(
        ctx.session, [(p.data.site_code.strip(), p.key) for p in parsed if p.key and p.data.site_code]
    )
    schedule: dict[int, dict[int, rules.Dose]] = {
        pid: {d.dose_number: rules.Dose(d.dose_number, d.product, d.dosed_on) for d in own}
        for pid, own in doses.items()
    }
    seen: dict[tuple[int, int], int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    report = ImportReport(dry_run=dry_run, problems=[])
    problems: list[Problem] = []
    touched: dict[int, Person] = {}
    for item in parsed:
        number = item.row.number
        person = people.get(item.hash) if item.hash else None
        if item.hash and (person is None or not ctx.actor.covers(person.jurisdiction_path)):
            item.problems.append(
                Problem(
                    "id_number",
                    "登记人口中没有此证件号码",
                    "no registered person has this identity number",
                    number,
                )
            )
        if item.problems:
            problems += item.problems
            continue
        assert person is not None and item.data.dose_number is not None and item.data.dosed_on is not None
        dose_no = item.data.dose_number
        current = next((d for d in doses.get(person.id, []) if d.dose_number == dose_no), None)
        site_key = (item.data.site_code.strip(), item.key) if item.key else None
        keyed = by_key.get(site_key) if site_key else None
        found = _conflicts(item, person, keyed, seen, seen_keys, schedule.get(person.id, {}))
        if found:
            problems += found
            continue
        seen[(person.id, dose_no)] = number
        if site_key:
            seen_keys[site_key] = number
        schedule.setdefault(person.id, {})[dose_no] = rules.Dose(
            dose_no, rules.normalise_product(item.data.product) or "", item.data.dosed_on
        )
        wanted = _values(item.data)
        if (
            current is not None
            and _stored(current) == wanted
            and (item.key is None or current.record_key == item.key)
        ):
            report.unchanged += 1
            continue
        report.created += current is None
        report.updated += current is not None
        if dry_run:
            continue
        touched[person.id] = person
        if current is None:
            service.new_dose(ctx, person, item.data, "site", item.key)
            continue
        _update(ctx, person, current, wanted, item.key, filename)
    report.problems = problems
    if not dry_run:
        _finish(ctx, report, touched, filename)
    return report


def _conflicts(
    item: _Row,
    person: Person,
    keyed: VaccinationDose | None,
    seen: dict[tuple[int, int], int],
    seen_keys: dict[tuple[str, str], int],
    schedule: dict[int, rules.Dose],
) -> list[Problem]:
    number, data = item.row.number, item.data
    assert data.dose_number is not None and data.dosed_on is not None
    found: list[Problem] = []
    earlier = seen.get((person.id, data.dose_number))
    site_key = (data.site_code.strip(), item.key or "")
    if earlier is not None:
        found.append(
            Problem(
                "dose_number",
                f"与第{earlier}行为同一人同一剂次",
                f"same person and dose as row {earlier}",
                number,
            )
        )
    elif item.key and site_key in seen_keys:
        found.append(
            Problem(
                "record_key",
                f"记录编号与第{seen_keys[site_key]}行重复",
                f"same record key as row {seen_keys[site_key]}",
                number,
            )
        )
    elif keyed is not None and (keyed.person_id, keyed.dose_number) != (person.id, data.dose_number):
        found.append(
            Problem(
                "record_key", "该记录编号已用于另一剂次", "this record key belongs to another dose", number
            )
        )
    if not found:
        others = [d for n, d in schedule.items() if n != data.dose_number]
        order = rules.order_problem(data.dose_number, data.dosed_on, others, number)
        found += [order] if order else []
    return found
