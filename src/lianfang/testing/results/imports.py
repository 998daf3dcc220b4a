"""Results entering the system: a lab's file (CSV/Excel via core.tabular) or rows from the API, and
individual results (clinics, hospitals, self-paid tests), which enter the same pipeline as a one-person
tube so that positives, controls and rechecks behave the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.core.tabular import ImportReport, Row, read_csv_columns, read_table
from lianfang.testing import repository, rules
from lianfang.testing.access import RESULTS
from lianfang.testing.models import Sample, Tube, TubeResult
from lianfang.testing.results.service import (
    COLUMNS,
    TIME_COLUMNS,
    ResultRow,
    parse_records,
    parse_rows,
    record_results,
)


def upload_file(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """A lab's results file: columns barcode (管码), result (结果), optional reported_at (报告时间)."""
    ctx.actor.require(RESULTS)
    if filename.lower().endswith((".csv", ".txt")):  # large files: no dict per row
        columns = [COLUMNS["barcode"], COLUMNS["result"], TIME_COLUMNS]
        good, problems = parse_records(read_csv_columns(content, columns), ctx.now)
        return record_results(ctx, good, problems, dry_run)
    rows = read_table(filename, content, ())
    return upload_rows(ctx, rows, dry_run)


def upload_rows(ctx: Ctx, rows: list[Row], dry_run: bool = False) -> ImportReport:
    ctx.actor.require(RESULTS)
    if rows and not any(k in rows[0].values for k in ("barcode", "管码", "条码")):
        raise Invalid([Problem("file", "缺少列：barcode（管码）", "missing column: barcode")])
    good, problems = parse_rows(rows, ctx.now)
    return record_results(ctx, good, problems, dry_run)


@dataclass(frozen=True)
class IndividualInput:
    person: str  # ID number or health-code code
    barcode: str
    result: str
    sampled_at: datetime
    reported_at: datetime
    source: str = "clinic"
    facility: str = ""


def record_individual(ctx: Ctx, data: IndividualInput) -> tuple[Tube, bool]:
    """One person's test from a clinic, hospital or self-paid test. Idempotent on the barcode: the same
    result again returns the stored tube (created False); a different one is refused."""
    ctx.actor.require(RESULTS)
    result = rules.parse_result(data.result)
    problems = [p for p in [rules.barcode_problem(data.barcode.strip())] if p]
    if result is None:
        problems.append(Problem("result", "结果应为阴性/阳性/无效", "result: negative, positive or invalid"))
    if data.source not in rules.SOURCES or data.source == "round":
        problems.append(
            Problem("source", "来源应为诊所、医院或自费", "source: clinic, hospital or self_paid")
        )
    problems += rules.result_time_problems(data.sampled_at, data.reported_at, ctx.now)
    key = repository.ref_key(ctx.settings, data.person)
    person = repository.persons_by_keys(ctx.session, [key]).get(key)
    if person is None:
        problems.append(
            Problem("person", "未找到此人，请核对证件号或健康码", "no registered person for this code")
        )
    if problems:
        raise Invalid(problems)
    assert person is not None and result is not None
    barcode = data.barcode.strip()
    existing = ctx.session.scalar(select(Tube).where(Tube.barcode == barcode))
    if existing is not None:
        member = ctx.session.scalar(select(Sample.person_id).where(Sample.tube_id == existing.id))
        stored = ctx.session.get(TubeResult, existing.id)
        if (
            existing.kind == "individual"
            and member == person.person_id
            and stored
            and stored.result == result
        ):
            return existing, False
        raise Conflict("该管码已使用", "this tube barcode is already used")
    path = (
        ctx.actor.scope_path
        if ctx.actor.kind == "staff" and ctx.actor.scope_path
        else person.jurisdiction_path
    )
    tube = Tube(
        barcode=barcode,
        kind="individual",
        mode="single",
        capacity=1,
        sample_count=1,
        jurisdiction_path=path,
        status="received",
        facility=f"{data.source}:{data.facility.strip()}"[:120],
        opened_at=data.sampled_at,
        closed_at=data.sampled_at,
        opened_by_user_id=ctx.actor.user_id,
    )
    ctx.session.add(tube)
    ctx.session.flush()
    ctx.session.add(
        Sample(
            tube_id=tube.id,
            person_id=person.person_id,
            jurisdiction_path=person.jurisdiction_path,
            community_id=person.community_id,
            sampled_at=data.sampled_at,
            sampled_by_user_id=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    audit.record(
        ctx, "testing.individual", "person", person.person_id, person.jurisdiction_path, barcode=barcode
    )
    report = record_results(ctx, [ResultRow(1, barcode, result, data.reported_at)])
    if report.problems:
        raise Invalid(report.problems)
    return tube, True
