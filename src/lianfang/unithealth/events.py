"""Events published by the unithealth module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DailyReportFiled:
    report_id: int
    unit_id: int
    report_date: date
    zero_report: bool
    abnormal: int
    version: int


@dataclass(frozen=True)
class AbsenceAlertRaised:
    alert_id: int
    unit_id: int
    rule_code: str
    count: int
    assignment_id: int | None
    jurisdiction_path: str


@dataclass(frozen=True)
class MedicineBuyerFlagged:
    """A pharmacy sold one of the four medicine classes: the buyer now has a testing duty (pop-up ④)
    until a nucleic-acid result for a sample taken after `started_at` is reported.

    The hook for the health-code module: subscribe to this event (or read open `testing_duties` rows by
    `id_hash` with `cleared_at IS NULL`) to show pop-up ④; call
    `unithealth.pharmacy.clear_testing_duties` when a qualifying result arrives."""

    duty_id: int
    sale_id: int
    id_hash: str
    person_id: int | None
    medicine_class: str
    started_at: datetime
    new_duty: bool


@dataclass(frozen=True)
class TestingDutyCleared:
    duty_id: int
    id_hash: str
    person_id: int | None
    cleared_at: datetime
