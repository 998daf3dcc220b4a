"""Violations (R23): hiding travel or contact history, not reporting symptoms, refusing measures, units
failing their duties — recorded by inspectors or command staff with the facts, evidence and the law
cited; the disposition is decided by command staff (enforcement.decide), who are named on the record.
Corrections keep the earlier version. A unit's accountability record gathers its inspections, findings,
violations and infections, and says whether it qualifies as a "zero infection" unit (R15)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.enforcement import repository, rules
from lianfang.enforcement.access import DECIDE, INSPECT, READ, RESPOND, access_violation
from lianfang.enforcement.events import ViolationDecided
from lianfang.enforcement.models import (
    Finding,
    Inspection,
    Revision,
    UnitInfection,
    Violation,
)
from lianfang.people.models import Person
from lianfang.units.access import access_unit
from lianfang.units.models import Unit


@dataclass(frozen=True)
class ViolationInput:
    subject_type: str  # person | unit
    subject_id: int
    category: str
    facts: str
    occurred_on: date | None  # None: a form left it empty, reported as a problem
    law_code: str
    law_article: str = ""
    inspection_id: int | None = None


def _subject(ctx: Ctx, subject_type: str, subject_id: int) -> tuple[int | None, int | None, str, str]:
    """(person_id, unit_id, name, jurisdiction path) of the subject, within the actor's scope."""
    if subject_type == "unit":
        unit = access_unit(ctx.session, ctx.actor, subject_id)
        return None, unit.id, unit.name, unit.jurisdiction_path
    if subject_type == "person":
        person = ctx.session.get(Person, subject_id)
        if person is None or not ctx.actor.covers(person.jurisdiction_path):
            raise Invalid(
                [
                    Problem(
                        "subject_id",
                        "登记册中没有该人员，或其不在您的辖区内",
                        "no such person in your jurisdiction",
                    )
                ]
            )
        return person.id, None, person.name, person.jurisdiction_path
    raise Invalid([Problem("subject_type", "当事方应为个人或单位", "the subject is a person or a unit")])


def record_violation(ctx: Ctx, data: ViolationInput) -> Violation:
    if not (ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE)):
        ctx.actor.require(INSPECT)
    person_id, unit_id, name, path = _subject(ctx, data.subject_type, data.subject_id)
    problems = rules.violation_problems(
        data.category, data.subject_type, data.facts, data.law_code, data.occurred_on, local_date(ctx.now)
    )
    if len(data.law_article) > 120:
        problems.append(Problem("law_article", "条款最多120字", "the article has at most 120 characters"))
    if data.inspection_id is not None:
        inspection = ctx.session.get(Inspection, data.inspection_id)
        if inspection is None or not ctx.actor.covers(inspection.jurisdiction_path):
            problems.append(
                Problem("inspection_id", "关联的检查记录不存在", "the linked inspection was not found")
            )
    if problems:
        raise Invalid(problems)
    violation = Violation(
        subject_type=data.subject_type,
        person_id=person_id,
        unit_id=unit_id,
        subject_name=name,
        jurisdiction_path=path,
        category=data.category,
        facts=data.facts.strip(),
        occurred_on=data.occurred_on,
        law_code=data.law_code,
        law_article=data.law_article.strip(),
        inspection_id=data.inspection_id,
        recorded_by_label=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(violation)
    ctx.session.flush()
    audit.record(
        ctx,
        "enforcement.violation.recorded",
        "violation",
        violation.id,
        path,
        subject=f"{data.subject_type}:{data.subject_id}",
        category=data.category,
        law=data.law_code,
    )
    return violation


def _snapshot(v: Violation) -> dict[str, object]:
    return {
        "category": v.category,
        "facts": v.facts,
        "law_code": v.law_code,
        "law_article": v.law_article,
        "disposition": v.disposition,
        "disposition_note": v.disposition_note,
        "decided_by": v.decided_by_label,
        "decided_at": v.decided_at.isoformat() if v.decided_at else None,
        "state": v.state,
    }


def decide(ctx: Ctx, violation_id: int, disposition: str, note: str, reason: str = "") -> Violation:
    """Decide the disposition (or correct an earlier decision, with a reason; the earlier one is kept)."""
    ctx.actor.require(DECIDE)
    violation = access_violation(ctx.session, ctx.actor, violation_id)
    problem = rules.disposition_problem(violation.subject_type, disposition, note)
    problems = [problem] if problem else []
    if violation.state == "decided" and not reason.strip():
        problems.append(Problem("reason", "更正处理结果时请写明原因", "give a reason to change the decision"))
    if problems:
        raise Invalid(problems)
    before = _snapshot(violation)
    if violation.state == "decided":
        ctx.session.add(
            Revision(
                subject_type="violation",
                subject_id=violation.id,
                version=violation.version,
                snapshot=before,
                reason=reason.strip(),
                by_label=ctx.actor.label,
                at=ctx.now,
            )
        )
        violation.version += 1
    violation.state, violation.disposition, violation.disposition_note = "decided", disposition, note.strip()
    violation.decided_by_user_id, violation.decided_by_label = ctx.actor.user_id, ctx.actor.label
    violation.decided_at = violation.updated_at = ctx.now
    audit.record(
        ctx,
        "enforcement.violation.decided",
        "violation",
        violation.id,
        violation.jurisdiction_path,
        before=before,
        after=_snapshot(violation),
        reason=reason.strip(),
    )
    ctx.publish(
        ViolationDecided(
            violation.id,
            violation.subject_type,
            violation.person_id,
            violation.unit_id,
            disposition,
            violation.jurisdiction_path,
        )
    )
    return violation


def view_violation(ctx: Ctx, violation_id: int) -> Violation:
    """Reading a violation (it names a person or a unit and the facts) is audited."""
    violation = access_violation(ctx.session, ctx.actor, violation_id)
    audit.record(ctx, "enforcement.violation.viewed", "violation", violation.id, violation.jurisdiction_path)
    return violation


def record_infection(ctx: Ctx, unit_id: int, reported_on: date | None, note: str) -> UnitInfection:
    ctx.actor.require(DECIDE)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    if reported_on is None:
        raise Invalid([Problem("reported_on", "请填写报告日期", "give the date it was reported")])
    if reported_on > local_date(ctx.now):
        raise Invalid([Problem("reported_on", "日期不能晚于今天", "the date cannot be in the future")])
    if len(note) > 500:
        raise Invalid([Problem("note", "说明最多500字", "the note has at most 500 characters")])
    row = UnitInfection(
        unit_id=unit.id,
        jurisdiction_path=unit.jurisdiction_path,
        reported_on=reported_on,
        note=note.strip(),
        recorded_by_label=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "enforcement.infection.recorded",
        "unit",
        unit.id,
        unit.jurisdiction_path,
        reported_on=reported_on.isoformat(),
    )
    return row


@dataclass
class UnitRecord:
    unit: Unit
    zero: rules.ZeroInfection
    inspections: list[Inspection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    infections: list[UnitInfection] = field(default_factory=list)
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)


def unit_record(ctx: Ctx, unit_id: int) -> UnitRecord:
    """The unit's accountability record. Its officer sees it too, without the violations' facts."""
    if not (ctx.actor.can(READ) or ctx.actor.can(RESPOND)):
        ctx.actor.require(READ)
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    counts = repository.unit_counts(ctx.session, unit.id, ctx.now)
    record = UnitRecord(unit=unit, zero=rules.zero_infection(*counts), counts=counts)
    record.inspections = repository.unit_inspections(ctx.session, unit.id)
    record.findings = repository.unit_findings(ctx.session, unit.id)
    record.infections = repository.unit_infections(ctx.session, unit.id)
    if ctx.actor.can(READ):
        record.violations = repository.unit_violations(ctx.session, unit.id)
    audit.record(ctx, "enforcement.unit_record.viewed", "unit", unit.id, unit.jurisdiction_path)
    return record
