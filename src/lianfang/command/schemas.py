"""API shapes for the command module."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class BodyWrite(BaseModel):
    kind: str
    code: str
    name: str
    name_en: str = ""
    duties: str = ""
    parent_id: int | None = None
    lead_name: str = ""
    contact_username: str = ""
    sort: int = 0
    active: bool = True


class BodyRead(_Read):
    id: int
    kind: str
    code: str
    name: str
    name_en: str
    duties: str
    parent_id: int | None
    lead_name: str
    contact_user_id: int | None
    active: bool


class LeaderWrite(BaseModel):
    leader_name: str
    leader_title: str = ""
    username: str = ""


class LeaderRead(_Read):
    jurisdiction_id: int
    leader_name: str
    leader_title: str
    user_id: int | None


class ResponsibilityWrite(BaseModel):
    territorial: str
    department: str
    unit_party: str
    individual: str


class ResponsibilityRead(_Read):
    subject_type: str
    subject_id: int
    territorial: str
    department: str
    unit_party: str
    individual: str
    updated_by_label: str
    updated_at: datetime


class MeetingWrite(BaseModel):
    title: str
    number: str = ""
    held_at: datetime | None = None
    chair: str = ""
    summary: str = ""


class MeetingRead(_Read):
    id: int
    title: str
    number: str
    held_at: datetime
    chair: str
    summary: str


class DirectiveWrite(BaseModel):
    title: str
    body: str = ""
    district_ids: list[int] = Field(default_factory=list)
    body_ids: list[int] = Field(default_factory=list)
    deadline: datetime | None = Field(None, description="default: 24:00 Asia/Shanghai today (不过夜)")


class TargetRead(BaseModel):
    target_type: str
    label: str
    jurisdiction_id: int
    body_id: int | None
    assignment_id: int
    state: str
    late: bool


class DirectiveRead(_Read):
    id: int
    meeting_id: int | None
    mission_id: int | None
    title: str
    body: str
    deadline: datetime
    issued_at: datetime
    targets: list[TargetRead] = Field(default_factory=list)


class MissionWrite(BaseModel):
    jurisdiction_id: int
    purpose: str
    leader_name: str
    members: str = ""


class MissionRead(_Read):
    id: int
    jurisdiction_id: int
    purpose: str
    leader_name: str
    members: str
    sent_at: datetime
    returned_at: datetime | None


class FindingWrite(BaseModel):
    title: str
    body: str = ""
    deadline: datetime | None = None


class IncidentWrite(BaseModel):
    jurisdiction_id: int
    occurred_at: datetime
    place: str
    summary: str
    measures: str = ""
    interval_hours: float | None = None


class IncidentRead(_Read):
    id: int
    jurisdiction_id: int
    occurred_at: datetime
    place: str
    summary: str
    measures: str
    interval_hours: float
    reported_at: datetime
    state: str
    followups: int
    next_followup_at: datetime | None
    followup_assignment_id: int | None


class FollowupWrite(BaseModel):
    text: str
    final: bool = False


class ForceWrite(BaseModel):
    kind: str
    name: str
    size: int
    jurisdiction_id: int
    leader_name: str = ""


class ForceRead(_Read):
    id: int
    kind: str
    name: str
    size: int
    leader_name: str
    home_jurisdiction_id: int
    jurisdiction_id: int


class ForceMoveWrite(BaseModel):
    ids: list[int]
    to_jurisdiction_id: int
    reason: str = ""


class UrgeWrite(BaseModel):
    ids: list[int]
    text: str = ""


class IdsResult(BaseModel):
    updated: list[int]


class BoardLineRead(BaseModel):
    key_type: str
    key: str
    name: str
    open: int
    late: int
    by_kind: dict[str, list[int]]
    days: list[tuple[date, int, int, int]]
    rate_today: float | None
    rate_window: float | None


class BoardRead(BaseModel):
    refreshed_at: datetime | None
    districts: list[BoardLineRead]
    groups: list[BoardLineRead]
    open_incidents: list[IncidentRead]
    escalated_assignment_ids: list[int]
