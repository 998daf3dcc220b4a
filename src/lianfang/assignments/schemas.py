"""API shapes for assignments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AssignmentCreate(BaseModel):
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=10_000)
    owner_jurisdiction_id: int
    deadline: datetime | None = Field(
        default=None, description="aware time; a naive time is read as Asia/Shanghai; default 24:00 today"
    )
    owner_user_id: int | None = None
    owner_group: str | None = Field(default=None, max_length=64, description="a working group's code")
    subject_type: str | None = Field(default=None, max_length=40)
    subject_id: str | None = Field(default=None, max_length=64)
    kind: str = Field(default="task", max_length=40)


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    body: str
    subject_type: str | None
    subject_id: str | None
    owner_jurisdiction_id: int
    owner_path: str
    owner_user_id: int | None
    owner_group: str | None
    issued_by_user_id: int | None
    issued_by_label: str
    issued_at: datetime
    deadline: datetime
    remind_at: datetime | None
    reminded_at: datetime | None
    state: str
    late: bool = False
    escalation_level: int
    watch_path: str
    escalated_at: datetime | None
    done_at: datetime | None
    updated_at: datetime


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str = ""


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    author_label: str
    kind: str
    text: str
    state_from: str | None
    state_to: str | None
    evidence: list[EvidenceRead] = []


class AssignmentDetail(AssignmentRead):
    notes: list[NoteRead]
    actions: list[str] = Field(description="what the caller may do now")


class AssignmentPage(BaseModel):
    items: list[AssignmentRead]
    next_after: int | None


class TransitionBody(BaseModel):
    note: str = Field(default="", max_length=5_000, description="required to complete; the reason to return")


class ReassignBody(BaseModel):
    owner_user_id: int | None = Field(description="a person in the owner jurisdiction; null: back to it")


class BulkAction(BaseModel):
    action: Literal["acknowledge", "reassign"]
    ids: list[int] = Field(max_length=500)
    owner_user_id: int | None = None


class BulkResult(BaseModel):
    updated: list[int]


class BoardRowRead(BaseModel):
    jurisdiction_id: int
    name: str
    own: bool
    open: int
    late: int
    done: int
    due: int
    completed: int
    on_time: int
    rate: float | None


class BoardRead(BaseModel):
    jurisdiction_id: int
    since: datetime
    rows: list[BoardRowRead] = Field(description="own items, one row per child subtree, then the total")
    escalated_to_me: list[AssignmentRead]
