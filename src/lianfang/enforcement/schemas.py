"""API shapes for inspections and enforcement."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class FindingIn(BaseModel):
    item_code: str
    description: str
    deadline: datetime | None = None
    same_day: bool = False


class InspectionIn(BaseModel):
    target_type: str
    target_id: int
    results: dict[str, str]
    findings: list[FindingIn] = Field(default_factory=list)
    note: str = ""


class ReinspectionIn(BaseModel):
    verdicts: dict[int, bool]
    results: dict[str, str]
    findings: list[FindingIn] = Field(default_factory=list)
    note: str = ""


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    inspection_id: int
    unit_id: int | None
    item_code: str
    description: str
    deadline: datetime
    state: str
    response: str
    responded_at: datetime | None
    verified_at: datetime | None
    assignment_id: int | None


class InspectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    target_type: str
    target_id: int
    target_kind: str
    target_name: str
    unit_id: int | None
    checklist: str
    checklist_edition: str
    results: dict[str, str]
    note: str
    state: str
    reinspection_of_id: int | None
    inspector_label: str
    inspected_at: datetime


class InspectionDetail(BaseModel):
    inspection: InspectionOut
    findings: list[FindingOut]


class InspectionPage(BaseModel):
    items: list[InspectionOut]
    next_after: int | None


class FindingPage(BaseModel):
    items: list[FindingOut]
    next_after: int | None


class ResponseIn(BaseModel):
    response: str


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    subject_type: str
    subject_id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class ClosureIn(BaseModel):
    venue_kind: str
    jurisdiction_id: int
    reason: str


class ClosureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    venue_kind: str
    jurisdiction_id: int
    reason: str
    rule_edition: str
    ordered_by_label: str
    ordered_at: datetime
    lifted_at: datetime | None


class ClosureResult(BaseModel):
    order: ClosureOut
    closed_venue_ids: list[int]


class EventIn(BaseModel):
    name: str
    organiser: str
    expected_size: int
    planned_date: date
    jurisdiction_id: int
    place: str = ""


class DecisionIn(BaseModel):
    decision: str
    new_date: date | None = None
    note: str = ""


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    organiser: str
    expected_size: int
    planned_date: date
    place: str
    jurisdiction_id: int
    decision: str
    new_date: date | None
    decision_note: str
    decided_by_label: str
    decided_at: datetime | None
    version: int


class EventPage(BaseModel):
    items: list[EventOut]
    next_after: int | None


class ViolationIn(BaseModel):
    subject_type: str
    subject_id: int
    category: str
    facts: str
    occurred_on: date
    law_code: str
    law_article: str = ""
    inspection_id: int | None = None


class DispositionIn(BaseModel):
    disposition: str
    note: str = ""
    reason: str = ""


class ViolationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    subject_type: str
    person_id: int | None
    unit_id: int | None
    subject_name: str
    category: str
    facts: str
    occurred_on: date
    law_code: str
    law_article: str
    inspection_id: int | None
    state: str
    disposition: str | None
    disposition_note: str
    decided_by_label: str
    decided_at: datetime | None
    recorded_by_label: str
    version: int


class ViolationPage(BaseModel):
    items: list[ViolationOut]
    next_after: int | None


class InfectionIn(BaseModel):
    reported_on: date
    note: str = ""


class UnitRecordOut(BaseModel):
    unit_id: int
    unit_name: str
    zero_infection: bool
    reasons: list[dict[str, str]]
    infections: int
    inspections: list[InspectionOut]
    findings: list[FindingOut]
    violations: list[ViolationOut]
