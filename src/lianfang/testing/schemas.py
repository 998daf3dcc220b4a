"""API shapes for testing."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from lianfang.testing.rules import ZoneArea


class ZoneIn(BaseModel):
    community_id: int
    kind: str = Field(description="sealed | controlled | prevention | high | medium | low")
    mode: str | None = Field(default=None, description="default: single, pool10, pool20 by kind")
    households: list[int] = Field(default=[], max_length=5000, description="a building zone's households")
    ref: str = Field(default="", max_length=40, description="the caller's reference of the zone")
    name: str = Field(default="", max_length=200)

    def to_area(self) -> ZoneArea:
        return ZoneArea(self.community_id, self.kind, self.mode, tuple(self.households), self.ref, self.name)


class ZonesIn(BaseModel):
    zones: list[ZoneIn] = Field(min_length=1, max_length=2000)


class AreaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    jurisdiction_id: int
    jurisdiction_path: str
    mode: str
    zone_kind: str
    zone_ref: str
    zone_name: str
    households: list[int]


class RoundCreate(BaseModel):
    name: str = Field(max_length=120)
    area_jurisdiction_id: int
    default_mode: str = Field(default="pool10", description="single | household | pool5 | pool10 | pool20")
    deadline: datetime | None = Field(default=None, description="default: 24 hours from now")
    note: str = Field(default="", max_length=500)
    areas: list[tuple[int, str]] = Field(default=[], description="[jurisdiction id, mode] overrides")
    zones: list[ZoneIn] = Field(default=[], max_length=2000)


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    area_jurisdiction_id: int
    area_path: str
    default_mode: str
    ordered_at: datetime
    deadline_at: datetime
    expected: int
    status: str
    note: str
    progress_at: datetime | None


class RoundPage(BaseModel):
    items: list[RoundRead]
    next_before: int | None


class AreaMode(BaseModel):
    jurisdiction_id: int
    mode: str


class TallyRead(BaseModel):
    jurisdiction_id: int | None
    name: str
    path: str
    expected: int
    sampled: int
    percent: float
    tubes_open: int
    tubes_in_transit: int
    results_back: int
    positive_pools: int
    turnaround_hours: float | None


class ProgressRead(BaseModel):
    round: RoundRead
    total: TallyRead
    children: list[TallyRead]


class PersonToVisit(BaseModel):
    person_id: int
    name_masked: str
    id_masked: str
    phone_masked: str | None
    address: str


class UnsampledPage(BaseModel):
    items: list[PersonToVisit]
    next_after: int | None


class SiteCreate(BaseModel):
    name: str = Field(max_length=120)
    jurisdiction_id: int
    address: str = Field(default="", max_length=255)


class SiteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    jurisdiction_id: int
    jurisdiction_path: str
    address: str


class TeamCreate(BaseModel):
    name: str = Field(max_length=80)


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    name: str


class LabCreate(BaseModel):
    name: str = Field(max_length=120)
    jurisdiction_id: int
    daily_capacity: int


class LabRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    jurisdiction_id: int
    jurisdiction_path: str
    daily_capacity: int


class TubeOpen(BaseModel):
    barcode: str = Field(max_length=40)
    site_id: int
    round_id: int | None = None
    team_id: int | None = None
    mode: str | None = None


class TubeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    barcode: str
    kind: str
    mode: str
    capacity: int
    sample_count: int
    round_id: int | None
    site_id: int | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    lab_id: int | None
    shipment_id: int | None
    result: str | None = None
    reported_at: datetime | None = None


class SamplesIn(BaseModel):
    people: list[str] = Field(
        min_length=1, max_length=20, description="ID numbers or health-code codes, in scanning order"
    )
    sampled_at: datetime | None = None


class TubeSamplesIn(BaseModel):
    barcode: str = Field(max_length=40)
    people: list[str] = Field(max_length=20, description="ID numbers or health-code codes")
    sampled_at: datetime | None = None


class SamplesBatchIn(BaseModel):
    tubes: list[TubeSamplesIn] = Field(min_length=1, max_length=2000)


class SampleOut(BaseModel):
    person_id: int
    sample_id: int
    name_masked: str
    id_masked: str
    duplicate: bool


class SamplesOut(BaseModel):
    barcode: str
    sample_count: int
    capacity: int
    full: bool
    samples: list[SampleOut]


class BatchError(BaseModel):
    message_zh: str
    message_en: str
    status: int
    problems: list[dict[str, object]]


class BatchTube(BaseModel):
    row: int
    barcode: str
    ok: bool
    sample_count: int | None = None
    capacity: int | None = None
    full: bool | None = None
    samples: list[SampleOut] = []
    error: BatchError | None = None


class SamplesBatchOut(BaseModel):
    tubes_accepted: int
    tubes_refused: int
    samples_added: int
    samples_duplicate: int
    tubes: list[BatchTube]


class ShipmentCreate(BaseModel):
    site_id: int
    barcodes: list[str] = Field(min_length=1, max_length=5000)


class ShipmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    lab_id: int
    tube_count: int
    shipped_at: datetime
    received_at: datetime | None


class ResultIn(BaseModel):
    barcode: str
    result: str
    reported_at: str = ""


class ResultsIn(BaseModel):
    results: list[ResultIn] = Field(max_length=200_000)
    dry_run: bool = False


class IndividualIn(BaseModel):
    person: str = Field(description="ID number or health-code code")
    barcode: str = Field(max_length=40)
    result: str
    sampled_at: datetime
    reported_at: datetime
    source: str = Field(default="clinic", description="clinic | hospital | self_paid")
    facility: str = Field(default="", max_length=100)


class PersonResultRead(BaseModel):
    sample_id: int
    barcode: str
    kind: str
    result: str | None
    sampled_at: datetime
    reported_at: datetime | None
    valid_48h: bool
    valid_72h: bool


class PersonResults(BaseModel):
    person_id: int
    under_control: bool
    results: list[PersonResultRead]


class ControlRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    tube_id: int
    jurisdiction_path: str
    reason: str
    raised_at: datetime
    assignment_id: int | None


class ControlPage(BaseModel):
    items: list[ControlRead]
    next_after: int | None
