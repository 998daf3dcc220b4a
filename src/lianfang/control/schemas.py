"""API shapes for the control module."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class OrderCreate(BaseModel):
    person_id: int
    person_class: str
    last_exposure_on: date
    given_how: str = "verbal"
    work_prohibited: bool = True
    source_ref: str = Field(default="", max_length=40)


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    person_id: int
    community_id: int
    source: str
    person_class: str
    edition: str
    kind: str
    centralised_days: int
    home_days: int
    monitoring_days: int
    test_days: str
    swab: str
    double_test: bool
    citation: str
    last_exposure_on: date
    ends_on: date
    status: str
    given_how: str
    delivered: bool
    work_prohibited: bool
    team: str
    room_id: int | None
    linked_person_id: int | None
    end_reason: str


class OrderPage(BaseModel):
    items: list[OrderRead]
    next_after: int | None


class DaysChange(BaseModel):
    days: int
    reason: str = Field(max_length=500)


class Release(BaseModel):
    override_reason: str = Field(default="", max_length=500)


class Delivery(BaseModel):
    given_how: str
    delivered: bool
    work_prohibited: bool


class Bulk(BaseModel):
    ids: list[int]
    action: str
    days: int = 0
    reason: str = Field(default="", max_length=500)
    team: str = Field(default="", max_length=60)


class ReportCreate(BaseModel):
    temperature: float | None = None
    symptoms: str = Field(default="", max_length=500)


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    reported_on: date
    reported_at: datetime
    temperature: float | None
    symptoms: str
    by: str


class ZoneCreate(BaseModel):
    name: str = Field(max_length=200)
    level: str
    source: str
    community_id: int
    started_on: date | None = None
    buildings: list[int] = []  # people.Building: the zone covers its households
    households: list[int] = []
    units: list[int] = []
    venues: list[int] = []


class ZoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    edition: str
    scheme: str
    level: str
    source: str
    community_id: int
    status: str
    started_on: date
    last_case_on: date | None
    round_negative_on: date | None
    lifted_on: date | None
    lifted_by_override: bool
    case_id: int | None


class RoundReadingRead(BaseModel):
    """A covering testing round's outcome for the zone's registered residents (zone_rounds)."""

    model_config = ConfigDict(from_attributes=True)
    round_id: int
    round_name: str
    residents: int
    sampled: int
    negative: int
    positive: int
    pending: int
    all_negative: bool
    completed_on: date | None


class ZoneCheck(BaseModel):
    met: bool
    next_level: str | None
    unmet: list[dict[str, str]]
    citation: str
    round_on: date | None = None  # the all-negative round the rule used (read, or entered by hand)
    round_entered_on: date | None = None  # the manual fallback
    rounds: list[RoundReadingRead] = []  # the covering rounds read from testing, newest first


class ZoneLift(BaseModel):
    override_reason: str = Field(default="", max_length=500)


class RoundRecord(BaseModel):
    """The manual fallback (audited) when no round can be read from testing."""

    on: date
    note: str = Field(default="", max_length=500)


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    case_id: int
    person_id: int
    edition: str
    status: str
    items: list[dict[str, object]]
    test_person_ids: list[int]
    assignment_id: int | None


class SiteCreate(BaseModel):
    name: str = Field(max_length=200)
    jurisdiction_id: int
    address: str = Field(default="", max_length=255)
    rooms: list[str] = []


class RoomAssign(BaseModel):
    room_id: int | None = None
    site_id: int | None = None
