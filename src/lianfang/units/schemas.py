"""API shapes for units, staff memberships and officers."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class UnitCreate(BaseModel):
    code: str = Field(max_length=40, description="unified social credit code (18) or a local code")
    name: str = Field(max_length=200)
    kind: str
    community_id: int | None = None
    community_code: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=255)
    contact_name: str = Field(default="", max_length=120)


class UnitUpdate(BaseModel):
    name: str = Field(max_length=200)
    kind: str
    community_id: int | None = None
    community_code: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=255)
    contact_name: str = Field(default="", max_length=120)


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    community_id: int
    jurisdiction_path: str
    address: str
    contact_name: str
    active: bool
    created_at: datetime
    updated_at: datetime


class UnitPage(BaseModel):
    items: list[UnitRead]
    next_after: int | None


class MemberCreate(BaseModel):
    person_id: int | None = None
    id_number: str = Field(default="", max_length=40, description="resident ID or passport number")
    role: str
    group_name: str = Field(default="", max_length=120)
    via_unit_id: int | None = None
    via_unit_code: str = Field(default="", max_length=40)
    start_date: date | None = None


class MemberUpdate(BaseModel):
    role: str
    group_name: str = Field(default="", max_length=120)
    via_unit_id: int | None = None
    via_unit_code: str = Field(default="", max_length=40)


class MemberEnd(BaseModel):
    end_date: date | None = None


class MemberRead(BaseModel):
    id: int
    unit_id: int
    person_id: int
    name: str
    id_masked: str
    role: str
    group_name: str
    via_unit_id: int | None
    via_unit_code: str | None
    start_date: date | None
    end_date: date | None


class MemberPage(BaseModel):
    items: list[MemberRead]
    next_after: int | None


class PlacementRead(BaseModel):
    membership_id: int
    person_id: int
    name: str
    id_masked: str
    role: str
    unit_id: int
    unit_code: str
    unit_name: str


class PlacementPage(BaseModel):
    items: list[PlacementRead]
    next_after: int | None


class OfficerLink(BaseModel):
    user_id: int


class OfficerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    active: bool
