"""Sick-absence reports (因病缺勤报告) and early warnings: each absence is checked against the unit type's
rules; a rule that fires raises one alert per cluster and window, handed to the district CDC as an
assignment with a deadline (owner group "cdc" of the unit's district). Corrections keep history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem
from lianfang.unithealth import repository, rules
from lianfang.unithealth.access import CONFIGURE, reporting_unit
from lianfang.unithealth.events import AbsenceAlertRaised
from lianfang.unithealth.models import AbsenceAlert, AbsenceReport, AbsenceRuleSetting, Revision
from lianfang.units.models import Unit
from lianfang.units.rules import KINDS as UNIT_KINDS

CDC_GROUP = "cdc"
ALERT_KIND = "unithealth.absence_alert"


@dataclass(frozen=True)
class AbsenceInput:
    person_id: int
    absence_date: date
    symptoms: tuple[str, ...]
    note: str = ""


def _problems(ctx: Ctx, unit: Unit, data: AbsenceInput) -> tuple[list[Problem], str]:
    problems: list[Problem] = []
    date_problem = rules.date_problem(data.absence_date, ctx.now, "absence_date")
    if date_problem is not None:
        problems.append(date_problem)
    if not data.symptoms:
        problems.append(Problem("symptoms", "请至少选择一种症状", "choose at least one symptom"))
    symptom_problem = rules.symptoms_problem(data.symptoms)
    if symptom_problem is not None:
        problems.append(symptom_problem)
    if len(data.note.strip()) > rules.NOTE_MAX:
        problems.append(Problem("note", "备注最多500字", "the note has at most 500 characters"))
    group = ""
    members = {m.person_id: m for m, _p in repository.active_members(ctx.session, unit.id, data.absence_date)}
    member = members.get(data.person_id)
    if member is None:
        problems.append(
            Problem("person_id", "该人员不在本单位名册中", "this person is not on the unit's staff list")
        )
    else:
        group = member.group_name
    return problems, group


def report_absence(ctx: Ctx, unit_id: int, data: AbsenceInput) -> tuple[AbsenceReport, list[AbsenceAlert]]:
    unit = reporting_unit(ctx.session, ctx.actor, unit_id)
    problems, group = _problems(ctx, unit, data)
    if problems:
        raise Invalid(problems)
    existing = (
        ctx.session.query(AbsenceReport)
        .filter_by(unit_id=unit.id, person_id=data.person_id, absence_date=data.absence_date)
        .one_or_none()
    )
    if existing is not None:
        raise Conflict(
            "该人员当日的缺勤已报告，如需修改请更正", "this absence is already reported; correct it instead"
        )
    absence = AbsenceReport(
        unit_id=unit.id,
        jurisdiction_path=unit.jurisdiction_path,
        person_id=data.person_id,
        group_name=group,
        absence_date=data.absence_date,
        symptoms=",".join(sorted(set(data.symptoms))),
        note=data.note.strip(),
        reported_by_label=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(absence)
    ctx.session.flush()
    audit.record(
        ctx,
        "unithealth.absence.reported",
        "unit_absence",
        absence.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        person_id=data.person_id,
        absence_date=data.absence_date.isoformat(),
        symptoms=absence.symptoms,
    )
    return absence, evaluate(ctx, unit, data.absence_date)


def correct_absence(
    ctx: Ctx, absence_id: int, symptoms: Sequence[str], note: str, reason: str, withdraw: bool = False
) -> AbsenceReport:
    absence = ctx.session.get(AbsenceReport, absence_id)
    if absence is None:
        raise NotFound("缺勤报告", "absence report")
    unit = reporting_unit(ctx.session, ctx.actor, absence.unit_id)
    data = AbsenceInput(absence.person_id, absence.absence_date, tuple(symptoms), note)
    problems, _group = _problems(ctx, unit, data)
    if not reason.strip():
        problems.append(Problem("reason", "请填写更正原因", "give a reason for the correction"))
    if problems:
        raise Invalid(problems)
    before = {"symptoms": absence.symptoms, "note": absence.note, "withdrawn": absence.withdrawn}
    ctx.session.add(
        Revision(
            subject_type="unit_absence",
            subject_id=absence.id,
            version=absence.version,
            snapshot=before,
            reason=reason.strip(),
            by_label=ctx.actor.label,
            at=ctx.now,
        )
    )
    absence.symptoms, absence.note = ",".join(sorted(set(symptoms))), note.strip()
    absence.withdrawn, absence.version, absence.updated_at = withdraw, absence.version + 1, ctx.now
    after = {"symptoms": absence.symptoms, "note": absence.note, "withdrawn": absence.withdrawn}
    audit.record(
        ctx,
        "unithealth.absence.corrected",
        "unit_absence",
        absence.id,
        unit.jurisdiction_path,
        before=before,
        after=after,
        reason=reason.strip(),
    )
    if not withdraw:
        evaluate(ctx, unit, absence.absence_date)
    return absence


def overrides(ctx: Ctx, kind: str) -> list[tuple[rules.AbsenceRule, bool]]:
    return [
        (rules.AbsenceRule(s.code, s.threshold, s.window_days, s.same_group, s.same_symptom), s.active)
        for s in repository.rule_settings(ctx.session, kind)
    ]


def evaluate(ctx: Ctx, unit: Unit, day: date) -> list[AbsenceAlert]:
    """Raise the alerts the unit's rules fire for windows ending `day` (each cluster once)."""
    in_force = rules.rules_for_kind(unit.kind, overrides(ctx, unit.kind))
    if not in_force:
        return []
    longest = max(r.window_days for r in in_force)
    absences = [
        rules.Absence(a.absence_date, a.group_name, frozenset(a.symptoms.split(",")))
        for a in repository.recent_absences(ctx.session, unit.id, day, longest)
    ]
    raised = []
    for trigger in rules.triggers(in_force, absences, day):
        if repository.alert_exists(
            ctx.session, unit.id, trigger.rule.code, trigger.group, trigger.symptom, trigger.window_end
        ):
            continue
        raised.append(_raise(ctx, unit, trigger))
    return raised


def _raise(ctx: Ctx, unit: Unit, trigger: rules.Trigger) -> AbsenceAlert:
    alert = AbsenceAlert(
        unit_id=unit.id,
        jurisdiction_path=unit.jurisdiction_path,
        rule_code=trigger.rule.code,
        rule_edition=rules.EDITION,
        group_name=trigger.group,
        symptom=trigger.symptom,
        window_start=trigger.window_start,
        window_end=trigger.window_end,
        count=trigger.count,
        created_at=ctx.now,
    )
    ctx.session.add(alert)
    ctx.session.flush()
    district = rules.district_id(unit.jurisdiction_path)
    zh_rule, en_rule = trigger.rule.describe()
    symptom = rules.SYMPTOMS.get(trigger.symptom, ("", ""))
    if district is not None:
        item = issue_assignment(
            ctx.as_actor(SYSTEM),
            title=f"因病缺勤预警：{unit.name} {trigger.group} {symptom[0]} {trigger.count}人"[:200],
            body=(
                f"{zh_rule}（{trigger.window_start}至{trigger.window_end}）。请区疾控核实处置。\n"
                f"Sick-absence early warning: {en_rule} ({trigger.window_start} to {trigger.window_end}); "
                f"{trigger.count} absences, symptom {symptom[1] or 'any'}. District CDC to verify."
            ),
            owner_jurisdiction_id=district,
            owner_group=CDC_GROUP,
            deadline=rules.alert_deadline(ctx.now),
            subject_type="unit_absence_alert",
            subject_id=str(alert.id),
            kind=ALERT_KIND,
        )
        alert.assignment_id = item.id
    audit.record(
        ctx,
        "unithealth.alert.raised",
        "unit_absence_alert",
        alert.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        rule=trigger.rule.code,
        count=trigger.count,
        assignment_id=alert.assignment_id,
    )
    ctx.publish(
        AbsenceAlertRaised(
            alert.id, unit.id, trigger.rule.code, trigger.count, alert.assignment_id, unit.jurisdiction_path
        )
    )
    return alert


def set_rule(
    ctx: Ctx,
    unit_kind: str,
    code: str,
    threshold: int,
    window_days: int,
    same_group: bool = True,
    same_symptom: bool = True,
    active: bool = True,
) -> AbsenceRuleSetting:
    """Set a unit type's own early-warning rule (a code of the edition replaces that default)."""
    ctx.actor.require(CONFIGURE)
    problems = rules.rule_problems(code, threshold, window_days)
    if unit_kind not in UNIT_KINDS:
        problems.insert(
            0, Problem("unit_kind", f"单位类型“{unit_kind}”无效", f"unknown unit type {unit_kind!r}")
        )
    if problems:
        raise Invalid(problems)
    setting = ctx.session.query(AbsenceRuleSetting).filter_by(unit_kind=unit_kind, code=code).one_or_none()
    before = None
    if setting is None:
        setting = AbsenceRuleSetting(unit_kind=unit_kind, code=code)
        ctx.session.add(setting)
    else:
        before = {
            "threshold": setting.threshold,
            "window_days": setting.window_days,
            "active": setting.active,
        }
    setting.threshold, setting.window_days = threshold, window_days
    setting.same_group, setting.same_symptom, setting.active = same_group, same_symptom, active
    setting.edited_by_label, setting.updated_at = ctx.actor.label, ctx.now
    ctx.session.flush()
    audit.record(
        ctx,
        "unithealth.rule.set",
        "unit_absence_rule",
        setting.id,
        None,
        unit_kind=unit_kind,
        code=code,
        before=before,
        after={"threshold": threshold, "window_days": window_days, "active": active},
    )
    return setting
