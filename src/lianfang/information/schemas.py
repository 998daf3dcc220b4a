"""API shapes of the information module."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class GenerateIn(BaseModel):
    day: date


class TextIn(BaseModel):
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


class BulletinOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    day: date
    version: int
    status: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    figures: dict[str, Any]
    rule_edition: str
    supersedes_id: int | None
    superseded_by_id: int | None
    generated_at: datetime
    approved_by_label: str
    approved_at: datetime | None
    published_at: datetime | None


class BulletinPage(BaseModel):
    items: list[BulletinOut]
    next_before: int | None


class BriefingOut(BaseModel):
    bulletin_id: int
    points: list[tuple[str, str]]


class TicketIn(BaseModel):
    channel: str = "hotline"
    text: str
    jurisdiction_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    ticket_class: str | None = None
    theme: str | None = None


class ClassifyIn(BaseModel):
    ticket_class: str
    theme: str


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    channel: str
    caller_name: str
    caller_phone_masked: str | None
    text: str
    jurisdiction_id: int
    jurisdiction_path: str
    suggested_class: str
    ticket_class: str
    theme: str
    healthcode_popup: bool
    received_on: date
    assignment_id: int | None
    created_at: datetime


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_after: int | None


class SuggestIn(BaseModel):
    text: str


class SuggestOut(BaseModel):
    ticket_class: str
    theme: str
    healthcode_popup: bool


class ThemeOut(BaseModel):
    day: date
    district_path: str
    ticket_class: str
    theme: str
    count: int
