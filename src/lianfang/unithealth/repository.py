"""Queries for unit health: staff to check, reports, missing reports, absences, alerts, sales. Lists
page by keyset (id > after) on indexes that start with jurisdiction_path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Person
from lianfang.unithealth.models import (
    AbsenceAlert,
    AbsenceReport,
    AbsenceRuleSetting,
    DailyReport,
    DailyReportEntry,
    PharmacySale,
    Revision,
    TestingDuty,
)
from lianfang.units.models import Unit, UnitMembership

CHUNK = 900


def active_members(session: Session, unit_id: int, day: date) -> list[tuple[UnitMembership, Person]]:
    stmt = (
        select(UnitMembership, Person)
        .join(Person, Person.id == UnitMembership.person_id)
        .where(
            UnitMembership.unit_id == unit_id,
            or_(UnitMembership.end_date.is_(None), UnitMembership.end_date >= day),
            or_(UnitMembership.start_date.is_(None), UnitMembership.start_date <= day),
        )
        .order_by(UnitMembership.group_name, Person.name, UnitMembership.id)
    )
    return [(m, p) for m, p in session.execute(stmt)]


def placements_of(
    session: Session, person_ids: Sequence[int], day: date
) -> dict[int, list[tuple[str, int | None]]]:
    """Every active membership (role, placing company) of these people, in any unit."""
    found: dict[int, list[tuple[str, int | None]]] = {}
    unique = list(dict.fromkeys(person_ids))
    for start in range(0, len(unique), CHUNK):
        stmt = select(UnitMembership.person_id, UnitMembership.role, UnitMembership.via_unit_id).where(
            UnitMembership.person_id.in_(unique[start : start + CHUNK]),
            or_(UnitMembership.end_date.is_(None), UnitMembership.end_date >= day),
        )
        for person_id, role, via in session.execute(stmt):
            found.setdefault(person_id, []).append((role, via))
    return found


def report_for(session: Session, unit_id: int, day: date) -> DailyReport | None:
    return session.scalar(
        select(DailyReport).where(DailyReport.unit_id == unit_id, DailyReport.report_date == day)
    )


def entries_of(session: Session, report_id: int) -> list[tuple[DailyReportEntry, Person]]:
    stmt = (
        select(DailyReportEntry, Person)
        .join(Person, Person.id == DailyReportEntry.person_id)
        .where(DailyReportEntry.report_id == report_id)
        .order_by(DailyReportEntry.id)
    )
    return [(e, p) for e, p in session.execute(stmt)]


def revisions(session: Session, subject_type: str, subject_id: int) -> list[Revision]:
    stmt = (
        select(Revision)
        .where(Revision.subject_type == subject_type, Revision.subject_id == subject_id)
        .order_by(Revision.id)
    )
    return list(session.scalars(stmt))


def missing_units(
    session: Session, scope: ColumnElement[bool], under_path: str, day: date, after: int | None, limit: int
) -> list[Unit]:
    """Active units under `under_path` (and in scope) with no report for `day`, by id."""
    filed = exists().where(DailyReport.unit_id == Unit.id, DailyReport.report_date == day)
    stmt = select(Unit).where(scope, in_subtree(Unit.jurisdiction_path, under_path), Unit.active, ~filed)
    if after is not None:
        stmt = stmt.where(Unit.id > after)
    return list(session.scalars(stmt.order_by(Unit.id).limit(limit)))


@dataclass(frozen=True)
class ReportRow:
    report: DailyReport
    unit: Unit


def reports_page(
    session: Session, scope: ColumnElement[bool], under_path: str, day: date, after: int | None, limit: int
) -> list[ReportRow]:
    stmt = (
        select(DailyReport, Unit)
        .join(Unit, Unit.id == DailyReport.unit_id)
        .where(scope, in_subtree(DailyReport.jurisdiction_path, under_path), DailyReport.report_date == day)
    )
    if after is not None:
        stmt = stmt.where(DailyReport.id > after)
    return [ReportRow(r, u) for r, u in session.execute(stmt.order_by(DailyReport.id).limit(limit))]


def recent_absences(session: Session, unit_id: int, today: date, days: int) -> list[AbsenceReport]:
    stmt = select(AbsenceReport).where(
        AbsenceReport.unit_id == unit_id,
        AbsenceReport.absence_date > today - timedelta(days=days),
        AbsenceReport.absence_date <= today,
        AbsenceReport.withdrawn.is_(False),
    )
    return list(session.scalars(stmt))


def absences_page(
    session: Session, scope: ColumnElement[bool], unit_id: int | None, after: int | None, limit: int
) -> list[tuple[AbsenceReport, Person, Unit]]:
    stmt = (
        select(AbsenceReport, Person, Unit)
        .join(Person, Person.id == AbsenceReport.person_id)
        .join(Unit, Unit.id == AbsenceReport.unit_id)
        .where(scope)
    )
    if unit_id is not None:
        stmt = stmt.where(AbsenceReport.unit_id == unit_id)
    if after is not None:
        stmt = stmt.where(AbsenceReport.id > after)
    return [(a, p, u) for a, p, u in session.execute(stmt.order_by(AbsenceReport.id).limit(limit))]


def alerts_page(
    session: Session, scope: ColumnElement[bool], after: int | None, limit: int
) -> list[tuple[AbsenceAlert, Unit]]:
    stmt = select(AbsenceAlert, Unit).join(Unit, Unit.id == AbsenceAlert.unit_id).where(scope)
    if after is not None:
        stmt = stmt.where(AbsenceAlert.id > after)
    return [(a, u) for a, u in session.execute(stmt.order_by(AbsenceAlert.id).limit(limit))]


def alert_exists(session: Session, unit_id: int, code: str, group: str, symptom: str, end: date) -> bool:
    stmt = select(AbsenceAlert.id).where(
        AbsenceAlert.unit_id == unit_id,
        AbsenceAlert.rule_code == code,
        AbsenceAlert.group_name == group,
        AbsenceAlert.symptom == symptom,
        AbsenceAlert.window_end == end,
    )
    return session.scalar(stmt) is not None


def rule_settings(session: Session, kind: str | None = None) -> list[AbsenceRuleSetting]:
    stmt = select(AbsenceRuleSetting)
    if kind is not None:
        stmt = stmt.where(AbsenceRuleSetting.unit_kind == kind)
    return list(session.scalars(stmt.order_by(AbsenceRuleSetting.unit_kind, AbsenceRuleSetting.code)))


def sale_by_ref(session: Session, unit_id: int, client_ref: str) -> PharmacySale | None:
    return session.scalar(
        select(PharmacySale).where(PharmacySale.unit_id == unit_id, PharmacySale.client_ref == client_ref)
    )


def sales_page(
    session: Session, scope: ColumnElement[bool], unit_id: int | None, after: int | None, limit: int
) -> list[PharmacySale]:
    stmt = select(PharmacySale).where(scope)
    if unit_id is not None:
        stmt = stmt.where(PharmacySale.unit_id == unit_id)
    if after is not None:
        stmt = stmt.where(PharmacySale.id > after)
    return list(session.scalars(stmt.order_by(PharmacySale.id).limit(limit)))


def open_duty(session: Session, id_hash: str, reason: str) -> TestingDuty | None:
    stmt = select(TestingDuty).where(
        TestingDuty.id_hash == id_hash, TestingDuty.cleared_at.is_(None), TestingDuty.reason == reason
    )
    return session.scalar(stmt.order_by(TestingDuty.id).limit(1))


def open_duties(session: Session, id_hash: str) -> list[TestingDuty]:
    stmt = select(TestingDuty).where(TestingDuty.id_hash == id_hash, TestingDuty.cleared_at.is_(None))
    return list(session.scalars(stmt.order_by(TestingDuty.id)))
