"""API shapes for vaccination: doses, a person's record, the due list, bulk actions and coverage."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class DoseCreate(BaseModel):
    dose_number: int = Field(ge=1, le=5)
    product: str = Field(
        max_length=40, description="sinopharm_bibp | sinopharm_wibp | sinovac | cansino | zf2001"
    )
    dosed_on: date
    site_code: str = Field(max_length=40)
    site_name: str = Field(default="", max_length=120)
    batch: str = Field(default="", max_length=60)


class DoseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    dose_number: int
    product: str
    dosed_on: date
    site_code: str
    site_name: str
    batch: str
    source: str
    record_key: str | None
    created_at: datetime


class SummaryRead(BaseModel):
    doses: int
    last_dose_on: date | None
    primary_complete: bool
    booster_received: bool
    booster_due_on: date | None
    edition: str


class PersonDoses(BaseModel):
    person_id: int
    name_masked: str
    id_masked: str
    doses: list[DoseRead]
    summary: SummaryRead


class DueRead(BaseModel):
    person_id: int
    name_masked: str
    id_masked: str
    community_id: int
    doses: int
    primary_completed_on: date | None
    booster_due_on: date | None
    contacted_at: datetime | None
    outreach_assignment_id: int | None


class DuePage(BaseModel):
    items: list[DueRead]
    next_after: int | None


class Selection(BaseModel):
    person_ids: list[int] = Field(max_length=500)
    note: str = Field(default="", max_length=300)


class ContactedResult(BaseModel):
    marked: int


class OutreachResult(BaseModel):
    assignment_ids: list[int]


class CoverageRow(BaseModel):
    jurisdiction_id: int
    name: str
    level: str
    age_group: str
    population: int
    one_dose: int
    primary_complete: int
    boosted: int
    due: int


class CoverageRead(BaseModel):
    jurisdiction_id: int
    as_of: date | None
    edition: str
    age_groups: list[str]
    rows: list[CoverageRow]
