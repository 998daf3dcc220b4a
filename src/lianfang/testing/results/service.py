"""Lab results, set-based: stage the rows (COPY on PostgreSQL), classify them in one join, record the
valid ones in one UPDATE, then act on the few positives.

- Idempotent per tube: a tube whose result is already recorded with the same value is `unchanged`; a
  different value is refused (a correction is a command decision, not an upload). Re-uploading a file
  creates nothing new. Every invalid row is reported with its row number; the valid rows are kept.
- A positive pooled tube puts every member under temporary control at once (one INSERT ... SELECT of
  `TemporaryControl` rows, read by the health code), publishes `PoolPositive` and issues a recall
  assignment (single-tube re-sampling, RULES.md §5) to each member's community.
- A positive single or individual tube names the person: `ResultPositive` per sample (tracing opens a
  case). A negative single-tube recheck lifts the person's open temporary controls raised before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    exists,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.tabular import ImportReport, Row
from lianfang.core.types import UTCDateTime
from lianfang.jurisdictions.repository import in_subtree
from lianfang.testing import rules
from lianfang.testing.access import RESULTS
from lianfang.testing.events import PoolPositive, ResultPositive, ResultsRecorded
from lianfang.testing.models import Lab, Sample, TemporaryControl, Tube, TubeResult

UPLOAD = Table(
    "tmp_testing_upload",
    MetaData(),
    Column("row_no", Integer),
    Column("barcode", String(40)),
    Column("result", String(12)),
    Column("reported_at", UTCDateTime()),
    prefixes=["TEMPORARY"],
)
COLUMNS = {"barcode": ("barcode", "管码", "条码"), "result": ("result", "结果", "检测结果")}
TIME_COLUMNS = ("reported_at", "报告时间", "检测时间")
RECALL_HOURS = 4  # deadline of a recall assignment; not in the sources: the command's working rule


@dataclass(frozen=True)
class ResultRow:
    row: int
    barcode: str
    result: str
    reported_at: datetime


def _cell(values: dict[str, str], names: Sequence[str]) -> str:
    for name in names:
        if name in values:
            return values[name].strip()
    return ""


def parse_time(raw: str) -> datetime | None:
    """ISO 8601; a time without offset is Beijing time."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("/", "-"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=SHANGHAI)).astimezone(UTC)


def parse_rows(rows: Iterable[Row], now: datetime) -> tuple[list[ResultRow], list[Problem]]:
    """Validate the cells of a results table (core.tabular rows); the report time defaults to now."""
    records = (
        (
            row.number,
            (
                _cell(row.values, COLUMNS["barcode"]),
                _cell(row.values, COLUMNS["result"]),
                _cell(row.values, TIME_COLUMNS),
            ),
        )
        for row in rows
    )
    return parse_records(records, now)


def parse_records(
    records: Iterable[tuple[int, tuple[str, ...]]], now: datetime
) -> tuple[list[ResultRow], list[Problem]]:
    """Validate (row number, (barcode, result, reported_at)) records."""
    good: list[ResultRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    times: dict[str, datetime | None] = {}  # a lab's file repeats its report times: parse each once
    latest = now + timedelta(minutes=5)
    barcode_ok = rules.BARCODE.match
    for number, (barcode, raw_result, raw_time) in records:
        result = rules.parse_result(raw_result)
        if not raw_time:
            when: datetime | None = now
        elif raw_time in times:
            when = times[raw_time]
        else:
            when = times[raw_time] = parse_time(raw_time)
        if (
            result is not None
            and when is not None
            and when <= latest
            and barcode_ok(barcode)
            and barcode not in seen
        ):
            seen[barcode] = number
            good.append(ResultRow(number, barcode, result, when))
            continue
        problems.extend(_row_problems(number, barcode, result, when, latest, seen))
    return good, problems


def _row_problems(
    number: int,
    barcode: str,
    result: str | None,
    when: datetime | None,
    latest: datetime,
    seen: dict[str, int],
) -> list[Problem]:
    found = [rules.barcode_problem(barcode, "barcode", number)]
    if result is None:
        found.append(
            Problem("result", "结果应为阴性/阳性/无效", "result: negative, positive or invalid", number)
        )
    if when is None:
        found.append(Problem("reported_at", "报告时间格式错误", "reported_at: not a date and time", number))
    elif when > latest:
        found.append(Problem("reported_at", "报告时间在未来", "the report time is in the future", number))
    if barcode in seen:
        found.append(
            Problem("barcode", f"与第{seen[barcode]}行管码重复", f"same tube as row {seen[barcode]}", number)
        )
    return [p for p in found if p]


def _stage(session: Session, rows: Sequence[ResultRow]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "CREATE TEMPORARY TABLE IF NOT EXISTS tmp_testing_upload (row_no integer,"
                " barcode varchar(40), result varchar(12), reported_at timestamptz) ON COMMIT DROP"
            )
        )
        session.execute(text("TRUNCATE tmp_testing_upload"))
        driver = session.connection().connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy("COPY tmp_testing_upload FROM STDIN") as copy:
            for start in range(0, len(rows), 20_000):
                chunk = rows[start : start + 20_000]
                copy.write(
                    "".join(f"{r.row}\t{r.barcode}\t{r.result}\t{r.reported_at.isoformat()}\n" for r in chunk)
                )
        session.execute(text("ANALYZE tmp_testing_upload"))
        return
    UPLOAD.create(session.connection(), checkfirst=True)
    session.execute(delete(UPLOAD))
    if rows:
        session.execute(
            insert(UPLOAD),
            [
                {"row_no": r.row, "barcode": r.barcode, "result": r.result, "reported_at": r.reported_at}
                for r in rows
            ],
        )


def _scope(ctx: Ctx) -> Any:
    if ctx.actor.kind == "system":
        return literal(True)
    prefix = ctx.actor.scope_path or "\x00"
    return or_(in_subtree(Lab.jurisdiction_path, prefix), in_subtree(Tube.jurisdiction_path, prefix))


def _classify(ctx: Ctx) -> tuple[list[Problem], list[int]]:
    """Rows that cannot be recorded (problems) and rows already recorded with the same result."""
    u = UPLOAD.c
    in_scope = _scope(ctx)
    stmt = (
        select(u.row_no, u.barcode, u.result, Tube.id, Tube.status, TubeResult.result, in_scope)
        .select_from(UPLOAD)
        .outerjoin(Tube, Tube.barcode == u.barcode)
        .outerjoin(Lab, Lab.id == Tube.lab_id)
        .outerjoin(TubeResult, TubeResult.tube_id == Tube.id)
        .where(
            or_(
                Tube.id.is_(None),
                TubeResult.result.is_not(None),
                Tube.status.not_in(("shipped", "received")),
                ~in_scope,
            )
        )
    )
    problems: list[Problem] = []
    unchanged: list[int] = []
    for row_no, barcode, result, tube_id, status, stored, visible in ctx.session.execute(stmt):
        if tube_id is None or not visible:
            problems.append(
                Problem(
                    "barcode",
                    f"{barcode}：未找到该管，或无权上传",
                    f"{barcode}: no such tube in your scope",
                    row_no,
                )
            )
        elif stored == result:
            unchanged.append(row_no)
        elif stored is not None:
            zh, en = rules.RESULTS[stored]
            problems.append(
                Problem(
                    "result",
                    f"该管已报告为{zh}，更正请联系指挥部",
                    f"already reported {en}; corrections go through the command",
                    row_no,
                )
            )
        else:
            problems.append(
                Problem(
                    "barcode",
                    f"{barcode}：该管尚未送达实验室（{status}）",
                    f"{barcode}: not shipped to a lab ({status})",
                    row_no,
                )
            )
    bad = [p.row for p in problems if p.row is not None] + unchanged
    for start in range(0, len(bad), 10_000):
        ctx.session.execute(delete(UPLOAD).where(UPLOAD.c.row_no.in_(bad[start : start + 10_000])))
    return problems, unchanged


def record_results(
    ctx: Ctx, rows: Sequence[ResultRow], problems: Sequence[Problem] = (), dry_run: bool = False
) -> ImportReport:
    """Record lab results (already parsed); `problems` are the parse problems, reported with the rest."""
    ctx.actor.require(RESULTS)
    _stage(ctx.session, rows)
    found, unchanged = _classify(ctx)
    report = ImportReport(unchanged=len(unchanged), dry_run=dry_run, problems=[*problems, *found])
    report.problems = sorted(report.problems or [], key=lambda p: (p.row or 0, p.field))
    if dry_run:
        report.created = len(rows) - len(found) - len(unchanged)
        return report
    u = UPLOAD.c
    recorded = select(Tube.id, u.result, u.reported_at, literal(ctx.now, UTCDateTime())).join(
        UPLOAD, u.barcode == Tube.barcode
    )
    done = ctx.session.execute(
        insert(TubeResult).from_select(["tube_id", "result", "reported_at", "recorded_at"], recorded)
    )
    del done
    report.created = len(rows) - len(found) - len(unchanged)  # every staged row inserted one result
    counts = _after_results(ctx)
    ctx.publish(ResultsRecorded(ctx.now, report.created))
    audit.record(
        ctx,
        "testing.results",
        "testing_upload",
        None,
        ctx.actor.scope_path,
        recorded=report.created,
        unchanged=report.unchanged,
        rejected=len(report.problems),
        **counts,
    )
    return report


def _after_results(ctx: Ctx) -> dict[str, int]:
    u = UPLOAD.c
    positives = ctx.session.execute(
        select(Tube.id, Tube.kind, Tube.barcode, Tube.round_id, Tube.jurisdiction_path, u.reported_at)
        .join(UPLOAD, u.barcode == Tube.barcode)
        .where(u.result == "positive")
    ).all()
    pooled = [p for p in positives if p.kind == "pooled"]
    raised = 0
    if pooled:
        members = select(
            Sample.person_id,
            Sample.tube_id,
            Sample.jurisdiction_path,
            Sample.community_id,
            literal("pool_positive"),
            literal(ctx.now, UTCDateTime()),
            literal(""),
        )
        members = members.where(Sample.tube_id.in_([p.id for p in pooled]))
        cols = [
            "person_id",
            "tube_id",
            "jurisdiction_path",
            "community_id",
            "reason",
            "raised_at",
            "lifted_reason",
        ]
        raised = int(
            getattr(ctx.session.execute(insert(TemporaryControl).from_select(cols, members)), "rowcount", 0)
            or 0
        )
        _pool_positives(ctx, pooled)
    singles = [p.id for p in positives if p.kind != "pooled"]
    for sample in ctx.session.scalars(select(Sample).where(Sample.tube_id.in_(singles))) if singles else []:
        tube = next(p for p in positives if p.id == sample.tube_id)
        audit.record(
            ctx,
            "testing.result_positive",
            "person",
            sample.person_id,
            sample.jurisdiction_path,
            barcode=tube.barcode,
        )
        ctx.publish(
            ResultPositive(
                sample.person_id, sample.id, sample.sampled_at, tube.reported_at, sample.jurisdiction_path
            )
        )
    recheck = exists().where(
        Sample.person_id == TemporaryControl.person_id,
        Sample.sampled_at >= TemporaryControl.raised_at,
        Tube.id == Sample.tube_id,
        Tube.kind != "pooled",
        Tube.barcode == u.barcode,
        u.result == "negative",
    )
    lifted = ctx.session.execute(
        update(TemporaryControl)
        .where(and_(TemporaryControl.lifted_at.is_(None), recheck))
        .values(lifted_at=ctx.now, lifted_reason="recheck_negative")
        .execution_options(synchronize_session=False)
    )
    return {
        "positive_pools": len(pooled),
        "positive_singles": len(singles),
        "controls_raised": raised,
        "controls_lifted": int(getattr(lifted, "rowcount", 0) or 0),
    }


def _pool_positives(ctx: Ctx, pooled: Sequence[Any]) -> None:
    """Recall the members of the positive pools for single tubes: one assignment per community concerned
    (listing its tubes and members), then `PoolPositive` per tube."""
    rows = ctx.session.execute(
        select(Sample.tube_id, Sample.person_id, Sample.community_id)
        .where(Sample.tube_id.in_([p.id for p in pooled]))
        .order_by(Sample.tube_id, Sample.id)
    ).all()
    barcodes = {p.id: p.barcode for p in pooled}
    by_community: dict[int, dict[int, list[int]]] = {}
    by_tube: dict[int, list[int]] = {}
    for tube_id, person_id, community_id in rows:
        by_community.setdefault(community_id, {}).setdefault(tube_id, []).append(person_id)
        by_tube.setdefault(tube_id, []).append(person_id)
    system = ctx.as_actor(SYSTEM)
    for community_id, tubes in sorted(by_community.items()):
        count = sum(len(v) for v in tubes.values())
        codes = "、".join(barcodes[t] for t in tubes)
        item = issue_assignment(
            system,
            title=f"混管阳性召回单采：{len(tubes)}管{count}人",
            body=(
                f"以下混采管检测阳性：{codes}。请立即对管内本社区受检人原地管控（暂时单独隔离），"
                "并安排单管采样复核。\nPooled tubes tested positive: keep their members in place and"
                " re-sample each with a single tube."
            )[:10_000],
            owner_jurisdiction_id=community_id,
            deadline=ctx.now + timedelta(hours=RECALL_HOURS),
            subject_type="testing_tube",
            subject_id=barcodes[next(iter(tubes))],
            kind="testing.recall",
        )
        ctx.session.execute(
            update(TemporaryControl)
            .where(TemporaryControl.tube_id.in_(list(tubes)), TemporaryControl.community_id == community_id)
            .values(assignment_id=item.id)
            .execution_options(synchronize_session=False)
        )
    for tube in pooled:
        people = tuple(by_tube.get(tube.id, ()))
        audit.record(
            ctx,
            "testing.pool_positive",
            "testing_tube",
            tube.id,
            tube.jurisdiction_path,
            barcode=tube.barcode,
            person_ids=list(people),
        )
        ctx.publish(
            PoolPositive(
                tube.id,
                tube.round_id,
                tube.barcode,
                people,
                tube.reported_at,
                tube.jurisdiction_path,
                len(people),
            )
        )
