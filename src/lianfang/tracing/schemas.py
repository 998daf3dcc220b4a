"""API shapes of the tracing module."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CaseCreate(BaseModel):
    person_id: int
    classification: str = "confirmed"
    origin: str = "manual"
    found_by: str = "community_screening"
    source: str = "unknown"
    onset_at: datetime | None = None
    sampled_at: datetime | None = None
    isolated_at: datetime | None = None
    note: str = Field(default="", max_length=500)


class CaseUpdate(BaseModel):
    classification: str | None = None
    found_by: str | None = None
    source: str | None = None
    onset_at: datetime | None = None
    sampled_at: datetime | None = None
    isolated_at: datetime | None = None
    cluster_id: int | None = None
    infector_case_id: int | None = None
    note: str | None = Field(default=None, max_length=500)


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    person_id: int
    jurisdiction_path: str
    status: str
    classification: str
    origin: str
    found_by: str
    source: str
    onset_at: datetime | None
    sampled_at: datetime | None
    reported_at: datetime
    isolated_at: datetime | None
    cluster_id: int | None
    infector_case_id: int | None
    lookback_days: int
    rule_edition: str
    note: str
    proposed_at: datetime | None
    window_start: datetime | None = None
    window_end: datetime | None = None


class CasePage(BaseModel):
    items: list[CaseRead]
    next_after: int | None


class CaseTransition(BaseModel):
    note: str = Field(default="", max_length=500)
    classification: str | None = None


class ExposureCreate(BaseModel):
    kind: str
    started_at: datetime
    ended_at: datetime
    venue_id: int | None = None
    place: str = ""
    transport_mode: str | None = None
    transport_number: str | None = Field(default=None, max_length=20)
    carriage: str | None = None
    seat_row: int | None = Field(default=None, ge=1, le=200)
    seat: str | None = None
    note: str = ""


class ContactAdd(BaseModel):
    category: str = "close"
    person_id: int | None = None
    id_number: str = ""
    outside_name: str = ""
    outside_city: str = ""
    outside_phone: str = ""
    note: str = ""
    first_contact_at: datetime | None = None


class DecideBody(BaseModel):
    ids: list[int]
    action: str
    note: str = ""


class ClusterCreate(BaseModel):
    name: str
    setting: str
    case_ids: list[int]
