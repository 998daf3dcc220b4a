"""Daily unit health reports (日报告 / 零报告): file, correct (the previous version is kept), and remind the
units that have not reported. Validates everything before writing; audits every write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem, invalid
from lianfang.core.jobs import enqueue
from lianfang.unithealth import repository, rules
from lianfang.unithealth.access import reporting_unit, rows_filter
from lianfang.unithealth.events import DailyReportFiled
from lianfang.unithealth.models import DailyReport, DailyReportEntry, Revision
from lianfang.units.models import Unit

BULK_MAX = 500


@dataclass(frozen=True)
class EntryInput:
    person_id: int
    temperature: float | None = None
    mask_ok: bool = True
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportInput:
    report_date: date
    zero_report: bool
    entries: Sequence[EntryInput] = field(default_factory=tuple)
    note: str = ""
    reason: str = ""  # required for a correction


def snapshot(session_report: DailyReport, entries: Sequence[DailyReportEntry]) -> dict[str, object]:
    return {
        "version": session_report.version,
        "zero_report": session_report.zero_report,
        "headcount": session_report.headcount,
        "checked": session_report.checked,
        "abnormal": session_report.abnormal,
        "note": session_report.note,
        "filed_by": session_report.filed_by_label,
        "filed_at": session_report.filed_at.isoformat(),
        "entries": [
            {
                "person_id": e.person_id,
                "temperature": e.temperature,
                "mask_ok": e.mask_ok,
                "symptoms": e.symptoms,
            }
            for e in entries
        ],
    }


def _entry_problems(ctx: Ctx, unit: Unit, data: ReportInput) -> list[Problem]:
    problems: list[Problem] = []
    members = {m.person_id for m, _p in repository.active_members(ctx.session, unit.id, data.report_date)}
    seen: set[int] = set()
    if len(data.entries) > rules.MAX_ENTRIES:
        return [Problem("entries", f"一次最多{rules.MAX_ENTRIES}人", f"at most {rules.MAX_ENTRIES} people")]
    placements = repository.placements_of(ctx.session, [e.person_id for e in data.entries], data.report_date)
    for row, entry in enumerate(data.entries, start=1):
        if entry.person_id in seen:
            problems.append(Problem("person_id", "同一人重复填报", "the same person is listed twice", row))
            continue
        seen.add(entry.person_id)
        if entry.person_id not in members:
            problems.append(
                Problem(
                    "person_id", "该人员不在本单位名册中", "this person is not on the unit's staff list", row
                )
            )
            continue
        for problem in (
            rules.temperature_problem(entry.temperature, "temperature", row),
            rules.symptoms_problem(entry.symptoms, "symptoms", row),
            rules.placement_conflict(placements.get(entry.person_id, []), "person_id", row),
        ):
            if problem is not None:
                problems.append(problem)
    return problems


def file_report(ctx: Ctx, unit_id: int, data: ReportInput) -> DailyReport:
    """File the day's report, or correct it (a reason is required; the previous version is kept)."""
    unit = reporting_unit(ctx.session, ctx.actor, unit_id)
    problems: list[Problem] = []
    date_problem = rules.date_problem(data.report_date, ctx.now)
    if date_problem is not None:
        raise Invalid([date_problem])
    existing = repository.report_for(ctx.session, unit.id, data.report_date)
    note, reason = data.note.strip(), data.reason.strip()
    if len(note) > rules.NOTE_MAX:
        problems.append(Problem("note", "备注最多500字", "the note has at most 500 characters"))
    if existing is not None and not reason:
        problems.append(
            Problem(
                "reason",
                "当日已报告；更正时请填写更正原因",
                "already reported today; give a reason to correct it",
            )
        )
    problems += _entry_problems(ctx, unit, data)
    abnormal = sum(1 for e in data.entries if rules.is_abnormal(e.temperature, e.mask_ok, e.symptoms))
    zero = rules.zero_report_problem(data.zero_report, abnormal)
    if zero is not None:
        problems.append(zero)
    if not data.zero_report and not data.entries:
        problems.append(
            Problem(
                "entries",
                "请逐人填报体温和口罩情况，或提交“零报告”",
                "report each person, or file a zero report",
            )
        )
    if problems:
        raise Invalid(problems)
    headcount = len(repository.active_members(ctx.session, unit.id, data.report_date))
    if existing is not None:
        old_entries = [e for e, _p in repository.entries_of(ctx.session, existing.id)]
        ctx.session.add(
            Revision(
                subject_type="daily_report",
                subject_id=existing.id,
                version=existing.version,
                snapshot=snapshot(existing, old_entries),
                reason=reason,
                by_label=ctx.actor.label,
                at=ctx.now,
            )
        )
        ctx.session.execute(delete(DailyReportEntry).where(DailyReportEntry.report_id == existing.id))
        report = existing
        report.version += 1
    else:
        report = DailyReport(
            unit_id=unit.id, jurisdiction_path=unit.jurisdiction_path, report_date=data.report_date
        )
        ctx.session.add(report)
    report.zero_report, report.headcount, report.note = data.zero_report, headcount, note
    report.checked, report.abnormal = (headcount if data.zero_report else len(data.entries)), abnormal
    report.filed_by_user_id, report.filed_by_label = ctx.actor.user_id, ctx.actor.label
    report.filed_at = report.filed_at if existing is not None else ctx.now
    report.updated_at = ctx.now
    ctx.session.flush()
    for entry in data.entries:
        ctx.session.add(
            DailyReportEntry(
                report_id=report.id,
                person_id=entry.person_id,
                temperature=entry.temperature,
                mask_ok=entry.mask_ok,
                symptoms=",".join(sorted(set(entry.symptoms))),
                abnormal=rules.is_abnormal(entry.temperature, entry.mask_ok, entry.symptoms),
            )
        )
    ctx.session.flush()
    audit.record(
        ctx,
        "unithealth.report.corrected" if existing is not None else "unithealth.report.filed",
        "unit_daily_report",
        report.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        report_date=data.report_date.isoformat(),
        zero_report=data.zero_report,
        abnormal=abnormal,
        version=report.version,
        reason=reason,
        people=[e.person_id for e in data.entries],
    )
    ctx.publish(
        DailyReportFiled(report.id, unit.id, data.report_date, data.zero_report, abnormal, report.version)
    )
    return report


def remind_missing(ctx: Ctx, unit_ids: Sequence[int], day: date) -> list[int]:
    """Remind the selected units (their officers) that the day's report is missing: one notify job per
    unit and day (re-sending is harmless). Every selected unit must be in scope, or nothing is sent."""
    ctx.actor.require("unithealth.read")
    ids = list(dict.fromkeys(int(i) for i in unit_ids))
    if not ids:
        raise invalid("unit_ids", "请至少选择一个单位", "select at least one unit")
    if len(ids) > BULK_MAX:
        raise invalid("unit_ids", f"一次最多选择{BULK_MAX}个单位", f"select at most {BULK_MAX} units")
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    from sqlalchemy import select

    units = list(ctx.session.scalars(select(Unit).where(scope, Unit.id.in_(ids))))
    if len(units) != len(ids):
        raise NotFound("所选单位中有的", "some of the selected units")
    reminded = []
    for unit in units:
        if repository.report_for(ctx.session, unit.id, day) is not None:
            continue
        payload = {
            "event": "unithealth.missing_report",
            "unit_id": unit.id,
            "to_path": unit.jurisdiction_path,
            "title": f"{unit.name} {day.isoformat()} 未报送健康日报 / daily health report missing",
        }
        enqueue(ctx, "notify", payload, dedupe_key=f"unithealth:missing:{unit.id}:{day.isoformat()}")
        reminded.append(unit.id)
    audit.record(
        ctx,
        "unithealth.report.remind",
        "unit",
        None,
        ctx.actor.scope_path,
        day=day.isoformat(),
        units=reminded,
    )
    return reminded
