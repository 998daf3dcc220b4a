"""API shapes for scans."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from lianfang.checkins.scans.service import ScanInput


class ScanIn(BaseModel):
    code: str = Field(max_length=300, description="the QR token, its URL (…/s/{token}) or the venue code")
    idempotency_key: str = Field(max_length=64, description="unique per venue and day; a retry reuses it")
    scanned_at: datetime | None = Field(default=None, description="aware time; default now")
    left_at: datetime | None = Field(default=None, description="check-out time, if known")
    person_pseudonym: str | None = Field(default=None, max_length=64)
    id_number: str | None = Field(default=None, max_length=40, description="resident ID number")

    def to_input(self) -> ScanInput:
        return ScanInput(
            code=self.code,
            idempotency_key=self.idempotency_key,
            scanned_at=self.scanned_at,
            left_at=self.left_at,
            person_pseudonym=self.person_pseudonym,
            id_number=self.id_number,
        )


class StatusRead(BaseModel):
    colour: str = Field(description="green | yellow | red | grey (not available)")
    label: str
    label_zh: str
    label_en: str
    alert: bool = Field(description="abnormal: sound the alert at the door")
    known: bool


class VisitorRead(BaseModel):
    person_id: int | None
    name_masked: str
    id_masked: str


class ScanResult(BaseModel):
    scan_id: int
    duplicate: bool = Field(description="the key was used before: this is the original scan")
    venue_id: int
    venue_name: str
    scanned_at: datetime
    stay_until: datetime
    visitor: VisitorRead | None
    status: StatusRead


class ProblemRead(BaseModel):
    field: str
    row: int | None
    message: str
    message_en: str


class BatchItem(BaseModel):
    row: int
    result: str = Field(description="created | duplicate | rejected")
    scan_id: int | None = None
    problems: list[ProblemRead] = []


class BatchResult(BaseModel):
    created: int
    duplicates: int
    rejected: int
    items: list[BatchItem]


class CheckoutIn(BaseModel):
    left_at: datetime | None = Field(default=None, description="aware time; default now")


class ScanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    venue_id: int
    person_id: int | None
    scanned_at: datetime
    stay_until: datetime
    checked_out: bool
    source: str
    code_id: int | None


class ScanRow(ScanRead):
    venue_name: str = ""
    name_masked: str = ""


class ScanPage(BaseModel):
    items: list[ScanRow]
    next_cursor: str | None
