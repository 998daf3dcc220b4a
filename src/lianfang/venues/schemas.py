"""API shapes for venues."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class VenueCreate(BaseModel):
    name: str = Field(max_length=200)
    kind: str
    community_id: int | None = None
    community_code: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=255)
    capacity: int | None = Field(default=None, ge=0)
    unit_id: int | None = Field(default=None, description="the unit that operates the venue, if registered")


class VenueUpdate(VenueCreate):
    pass


class VenueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    community_id: int
    jurisdiction_path: str
    address: str
    capacity: int | None
    status: str
    status_reason: str
    status_changed_at: datetime | None
    status_by_authority: bool
    unit_id: int | None
    operator_user_id: int | None
    created_at: datetime
    updated_at: datetime


class VenuePage(BaseModel):
    items: list[VenueRead]
    next_after: int | None


class StatusChange(BaseModel):
    status: str = Field(description="open | closed | sealed")
    reason: str = Field(default="", max_length=255)


class BulkStatusChange(StatusChange):
    venue_ids: list[int] = Field(max_length=1000)


class BulkStatusResult(BaseModel):
    changed: list[int]
    unchanged: list[int]


class OperatorAssign(BaseModel):
    user_id: int | None = Field(description="a venue_operator account, or null to remove the operator")
