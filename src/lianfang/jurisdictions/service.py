"""Use cases over the jurisdiction tree. Writes audit rows; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden, Invalid, Problem, invalid
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.jurisdictions import repository
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.events import JurisdictionsImported
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.rules import LEVEL_NAMES, normalise_level, parent_level

PERMISSION = "jurisdictions.manage"
COLUMNS = ("code", "name", "level", "parent_code")


@dataclass(frozen=True)
class JurisdictionInput:
    code: str
    name: str
    level: str
    parent_code: str = ""
    name_en: str = ""


def _problems(
    ctx: Ctx, data: JurisdictionInput, parent: Jurisdiction | None, row: int | None
) -> list[Problem]:
    problems: list[Problem] = []
    code = data.code.strip()
    if not code or len(code) > 32 or not code.replace("-", "").isalnum():
        problems.append(
            Problem("code", "代码不能为空，最多32位字母数字", "code must be 1-32 letters or digits", row)
        )
    if not data.name.strip():
        problems.append(Problem("name", "名称不能为空", "name is required", row))
    level = normalise_level(data.level)
    if level is None:
        problems.append(
            Problem(
                "level",
                f"层级“{data.level}”无效（市/区/街道/社区）",
                f"unknown level {data.level!r} (city/district/street/community)",
                row,
            )
        )
        return problems
    wanted_parent = parent_level(level)
    if wanted_parent is None and parent is not None:
        problems.append(Problem("parent_code", "市级辖区不能有上级", "a city has no parent", row))
    if wanted_parent is not None:
        if parent is None:
            problems.append(
                Problem(
                    "parent_code",
                    f"找不到上级辖区“{data.parent_code}”",
                    f"parent {data.parent_code!r} not found",
                    row,
                )
            )
        elif parent.level != wanted_parent:
            zh_level = LEVEL_NAMES[wanted_parent][0]
            problems.append(
                Problem(
                    "parent_code", f"上级应为{zh_level}级辖区", f"the parent must be a {wanted_parent}", row
                )
            )
        elif not ctx.actor.covers(parent.path):
            problems.append(
                Problem(
                    "parent_code",
                    "上级辖区不在您的管辖范围内",
                    "the parent is outside your jurisdiction",
                    row,
                )
            )
    elif ctx.actor.kind != "system" and ctx.actor.scope_path not in (None, "/"):
        problems.append(
            Problem(
                "level",
                "只有全市管理员可以创建市级辖区",
                "only a city-wide administrator may create a city",
                row,
            )
        )
    return problems


def _insert(ctx: Ctx, data: JurisdictionInput, parent: Jurisdiction | None) -> Jurisdiction:
    level = normalise_level(data.level)
    assert level is not None
    item = Jurisdiction(
        code=data.code.strip(),
        name=data.name.strip(),
        name_en=data.name_en.strip(),
        level=level,
        parent_id=parent.id if parent else None,
        path=f"/new-{data.code.strip()}/",  # replaced once the id is known
        active=True,
    )
    ctx.session.add(item)
    ctx.session.flush()
    item.path = f"{parent.path if parent else '/'}{item.id}/"
    ctx.session.flush()
    return item


def create_jurisdiction(ctx: Ctx, data: JurisdictionInput) -> Jurisdiction:
    ctx.actor.require(PERMISSION)
    parent = repository.by_code(ctx.session, data.parent_code.strip()) if data.parent_code.strip() else None
    problems = _problems(ctx, data, parent, None)
    if repository.by_code(ctx.session, data.code.strip()) is not None:
        problems.append(Problem("code", f"代码“{data.code}”已存在", f"code {data.code!r} already exists"))
    if problems:
        raise Invalid(problems)
    item = _insert(ctx, data, parent)
    audit.record(
        ctx, "jurisdiction.create", "jurisdiction", item.id, item.path, code=item.code, name=item.name
    )
    return item


def update_jurisdiction(
    ctx: Ctx, jurisdiction_id: int, name: str, name_en: str, active: bool
) -> Jurisdiction:
    ctx.actor.require(PERMISSION)
    item = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    if item.path == ctx.actor.scope_path and ctx.actor.kind != "system" and not active:
        raise Forbidden("不能停用自己的所属辖区", "you cannot deactivate your own home jurisdiction")
    if not name.strip():
        raise invalid("name", "名称不能为空", "name is required")
    before = {"name": item.name, "name_en": item.name_en, "active": item.active}
    item.name, item.name_en, item.active = name.strip(), name_en.strip(), active
    audit.record(
        ctx,
        "jurisdiction.update",
        "jurisdiction",
        item.id,
        item.path,
        before=before,
        after={"name": item.name, "name_en": item.name_en, "active": item.active},
    )
    return item


def _row_input(row: Row) -> JurisdictionInput:
    return JurisdictionInput(
        row.get("code"), row.get("name"), row.get("level"), row.get("parent_code"), row.get("name_en")
    )


def import_tree(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Import rows (code, name, level, parent_code[, name_en]); parents may come earlier in the file or
    exist already. Rows whose code exists are updated when their names differ; re-running is a no-op."""
    ctx.actor.require(PERMISSION)
    rows = read_table(filename, content, COLUMNS)
    report = ImportReport(dry_run=dry_run, problems=[])
    assert report.problems is not None
    existing = repository.by_codes(
        ctx.session, [r.get("code") for r in rows] + [r.get("parent_code") for r in rows]
    )
    seen: set[str] = set()
    pending: dict[str, Jurisdiction] = {}
    for row in rows:
        data = _row_input(row)
        if data.code in seen:
            report.problems.append(
                Problem(
                    "code",
                    f"代码“{data.code}”在文件中重复",
                    f"code {data.code!r} appears twice in the file",
                    row.number,
                )
            )
            continue
        seen.add(data.code)
        parent = pending.get(data.parent_code) or existing.get(data.parent_code) if data.parent_code else None
        problems = _problems(ctx, data, parent, row.number)
        current = existing.get(data.code)
        if current is not None and not ctx.actor.covers(current.path):
            problems.append(
                Problem(
                    "code", "该辖区不在您的管辖范围内", "that jurisdiction is outside your scope", row.number
                )
            )
        if current is not None and current.level != normalise_level(data.level):
            problems.append(
                Problem(
                    "level",
                    "已存在的辖区层级不能更改",
                    "an existing jurisdiction's level cannot change",
                    row.number,
                )
            )
        if problems:
            report.problems.extend(problems)
            continue
        if current is None:
            report.created += 1
            if not dry_run:
                pending[data.code] = _insert(ctx, data, parent)
            else:
                path = f"{parent.path if parent else '/'}dry-{data.code}/"
                pending[data.code] = Jurisdiction(
                    code=data.code, level=normalise_level(data.level), path=path
                )
        elif (current.name, current.name_en) != (data.name.strip(), data.name_en.strip() or current.name_en):
            report.updated += 1
            if not dry_run:
                current.name = data.name.strip()
                current.name_en = data.name_en.strip() or current.name_en
        else:
            report.unchanged += 1
    if not dry_run:
        audit.record(
            ctx,
            "jurisdiction.import",
            "jurisdiction",
            None,
            ctx.actor.scope_path,
            file=filename,
            created=report.created,
            updated=report.updated,
            rejected=len(report.problems),
        )
        ctx.publish(JurisdictionsImported(report.created, report.updated))
    return report
