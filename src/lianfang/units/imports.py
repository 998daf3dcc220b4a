"""Importing units from CSV / Excel, with a per-row report. Every valid row is applied in the request's
one transaction, every invalid row is reported with its row number and field, and re-running the same
file creates nothing new (units match on code)."""

from __future__ import annotations

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.units import repository
from lianfang.units.access import IMPORT, WRITE
from lianfang.units.events import UnitsImported
from lianfang.units.models import Unit
from lianfang.units.rules import normalise_code, normalise_kind
from lianfang.units.service import UnitInput, apply_update, insert_unit, unit_problems

UNIT_COLUMNS = ("code", "name", "kind", "community_code")


def _unit_input(row: Row) -> UnitInput:
    return UnitInput(
        code=row.get("code"),
        name=row.get("name"),
        kind=row.get("kind"),
        community_code=row.get("community_code"),
        address=row.get("address"),
        contact_name=row.get("contact_name"),
    )


def _differs(unit: Unit, data: UnitInput, community_id: int) -> bool:
    return (unit.name, unit.kind, unit.community_id, unit.address, unit.contact_name) != (
        data.name.strip(),
        normalise_kind(data.kind),
        community_id,
        data.address.strip(),
        data.contact_name.strip(),
    )


def import_units(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Rows (code, name, kind, community_code[, address, contact_name]); a known code is updated when its
    details differ. Empty address or contact cells keep what is registered."""
    ctx.actor.require(IMPORT)
    ctx.actor.require(WRITE)
    rows = read_table(filename, content, UNIT_COLUMNS)
    report = ImportReport(dry_run=dry_run, problems=[])
    problems: list[Problem] = []
    existing = repository.by_codes(ctx.session, [normalise_code(r.get("code")) for r in rows])
    communities = jurisdictions_repository.by_codes(ctx.session, [r.get("community_code") for r in rows])
    seen: set[str] = set()
    for row in rows:
        data = _unit_input(row)
        code = normalise_code(data.code)
        if code in seen:
            problems.append(
                Problem("code", f"单位代码“{code}”在文件中重复", f"code {code!r} appears twice", row.number)
            )
            continue
        seen.add(code)
        community = communities.get(data.community_code)
        current = existing.get(code)
        row_problems = unit_problems(ctx, data, community, row.number)
        if current is not None and not ctx.actor.covers(current.jurisdiction_path):
            row_problems.append(
                Problem(
                    "code",
                    "该单位代码已由辖区外的单位登记",
                    "that code is registered to a unit outside your jurisdiction",
                    row.number,
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        assert community is not None
        if current is not None:
            data = UnitInput(
                code,
                data.name,
                data.kind,
                community_code=data.community_code,
                address=data.address or current.address,
                contact_name=data.contact_name or current.contact_name,
            )
        if current is None:
            report.created += 1
            if not dry_run:
                insert_unit(ctx, data, community)
        elif _differs(current, data, community.id):
            report.updated += 1
            if not dry_run:
                apply_update(current, data, community, ctx)
        else:
            report.unchanged += 1
    report.problems = problems
    if not dry_run:
        audit.record(
            ctx,
            "unit.import",
            "unit",
            None,
            ctx.actor.scope_path,
            file=filename,
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
        ctx.publish(UnitsImported(report.created, report.updated))
    return report
