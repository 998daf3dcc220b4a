"""API shapes for unit health."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class EntryIn(BaseModel):
    person_id: int
    temperature: float | None = None
    mask_ok: bool = True
    symptoms: list[str] = Field(default_factory=list)


class ReportIn(BaseModel):
    report_date: date
    zero_report: bool = False
    entries: list[EntryIn] = Field(default_factory=list)
    note: str = ""
    reason: str = ""


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    person_id: int
    temperature: float | None
    mask_ok: bool
    symptoms: str
    abnormal: bool


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    report_date: date
    zero_report: bool
    headcount: int
    checked: int
    abnormal: int
    note: str
    version: int
    filed_by_label: str
    filed_at: datetime
    updated_at: datetime


class RevisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    snapshot: dict[str, object]
    reason: str
    by_label: str
    at: datetime


class ReportDetail(BaseModel):
    report: ReportOut
    entries: list[EntryOut]
    revisions: list[RevisionOut]


class UnitBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    jurisdiction_path: str


class MissingPage(BaseModel):
    report_date: date
    items: list[UnitBrief]
    next_after: int | None


class RemindIn(BaseModel):
    unit_ids: list[int]
    report_date: date


class AbsenceIn(BaseModel):
    person_id: int
    absence_date: date
    symptoms: list[str]
    note: str = ""


class AbsenceCorrection(BaseModel):
    symptoms: list[str] = Field(default_factory=list)
    note: str = ""
    reason: str
    withdraw: bool = False


class AbsenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    person_id: int
    group_name: str
    absence_date: date
    symptoms: str
    note: str
    withdrawn: bool
    version: int


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    rule_code: str
    rule_edition: str
    group_name: str
    symptom: str
    window_start: date
    window_end: date
    count: int
    assignment_id: int | None


class AbsenceResult(BaseModel):
    absence: AbsenceOut
    alerts: list[AlertOut]


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_after: int | None


class RuleIn(BaseModel):
    threshold: int
    window_days: int
    same_group: bool = True
    same_symptom: bool = True
    active: bool = True


class RuleOut(BaseModel):
    unit_kind: str
    code: str
    threshold: int
    window_days: int
    same_group: bool
    same_symptom: bool
    source: str  # edition | setting


class SaleIn(BaseModel):
    client_ref: str
    id_number: str
    buyer_name: str
    medicine_class: str
    medicine_name: str
    quantity: int = 1
    sold_at: datetime | None = None


class SaleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    client_ref: str
    buyer_id_masked: str
    buyer_person_id: int | None
    medicine_class: str
    medicine_name: str
    quantity: int
    sold_at: datetime


class DutyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    person_id: int | None
    reason: str
    popup: str
    clears_on: str
    started_at: datetime
    cleared_at: datetime | None


class SaleResult(BaseModel):
    sale: SaleOut
    duty: DutyOut
    created: bool


class SalePage(BaseModel):
    items: list[SaleOut]
    next_after: int | None
