"""API shapes for travel: the risk-area feed, stays, arrivals, flags and observation requirements."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class RiskAreaCreate(BaseModel):
    place_code: str = Field(max_length=12, description="GB/T 2260 county (or prefecture) code")
    level: str = Field(description="county | high | medium | low | sealed | controlled | prevention")
    starts_on: date
    source: str = Field(max_length=300)
    lift_rule: str = Field(
        description="no_new_14d | sealed_14_14_2 | high_7_then_3 | medium_7 | high_5 | beijing_10_4"
    )
    area_name: str = Field(default="", max_length=200, description="a zone inside the county, or empty")
    inside_city: bool = False
    last_case_on: date | None = None


class RiskAreaLift(BaseModel):
    reason: str = Field(max_length=300)


class RiskAreaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    place_code: str
    place_name: str = ""
    area_name: str
    level: str
    level_zh: str = ""
    level_en: str = ""
    inside_city: bool
    starts_on: date
    last_case_on: date | None
    source: str
    lift_rule: str
    lift_rule_zh: str = ""
    lift_rule_en: str = ""
    earliest_lift_on: date | None = None
    active: bool
    lifted_at: datetime | None
    lift_reason: str


class RiskAreaFeed(BaseModel):
    generated_at: datetime
    edition: str
    items: list[RiskAreaRead]


class RiskAreaPage(BaseModel):
    items: list[RiskAreaRead]
    next_after: int | None


class StayCreate(BaseModel):
    person_id: int
    place_code: str = Field(max_length=12)
    from_on: date
    to_on: date | None = None
    note: str = Field(default="", max_length=300)


class StayCorrect(BaseModel):
    place_code: str = Field(max_length=12)
    from_on: date
    to_on: date | None = None
    note: str = Field(default="", max_length=300)


class StayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    place_code: str
    from_on: date
    to_on: date | None
    source: str
    source_ref: str | None
    carrier: str
    state: str
    superseded_by_id: int | None
    note: str
    created_by: str
    created_at: datetime


class StayPage(BaseModel):
    items: list[StayRead]
    next_after: int | None


class ArrivalCreate(BaseModel):
    person_id: int
    arrived_on: date
    from_country: str = Field(max_length=3, description="ISO 3166 alpha-3 (GB/T 2659)")
    port: str = Field(max_length=120)
    hotel: str = Field(default="", max_length=200)
    source: str = Field(default="port", description="port | hotel")


class ArrivalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    arrived_on: date
    from_country: str
    port: str
    hotel: str
    source: str
    registered_by: str


class ObservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kind: str
    origin_id: int
    edition: str
    mode: str
    centralised_days: int
    home_days: int
    monitoring_days: int
    test_days: str
    starts_on: date
    handover_on: date
    isolation_ends_on: date
    monitoring_ends_on: date
    popup2_until: date | None
    state: str


class ArrivalResult(BaseModel):
    arrival: ArrivalRead
    observation: ObservationRead


class ObservationPage(BaseModel):
    items: list[ObservationRead]
    next_after: int | None


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    risk_area_id: int
    person_id: int
    community_id: int
    place_code: str
    last_day: date
    in_city: bool
    state: str
    expires_on: date | None
    raised_at: datetime
    cleared_at: datetime | None
    cleared_by: str
    clear_note: str
    assignment_id: int | None


class FlagPage(BaseModel):
    items: list[FlagRead]
    next_after: int | None


class VerifyBody(BaseModel):
    ids: list[int] = Field(max_length=500)
    note: str = Field(max_length=300)


class StatusRead(BaseModel):
    """The durable facts the health-code module reads for one person."""

    person_id: int
    popup1: list[FlagRead]
    popup2: list[ObservationRead]
