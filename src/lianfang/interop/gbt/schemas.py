"""Request bodies of the GB/T 38963 operations. Field names are lianfang's (the standard's published text
gives the operations and the data items of GB/T 38962, not a wire layout); lengths are lianfang's own
limits, not the standard's."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TripIn(BaseModel):
    place_code: str = Field(max_length=12, description="GB/T 2260 place code (区划代码)")
    from_on: date | None = None
    to_on: date | None = None


class DeclarationIn(BaseModel):
    """用户健康信息申报 (体温、当前症状) and 用户行程申报 (行程) for one person."""

    person_id: int
    temperature: float | None = Field(default=None, description="体温, ℃")
    symptoms: list[str] = Field(default_factory=list, max_length=10, description="当前症状")
    trips: list[TripIn] = Field(
        default_factory=list, max_length=20, description="行程 (stays outside the city)"
    )


class PersonIn(BaseModel):
    person_id: int


class CodeIn(BaseModel):
    code: str = Field(max_length=2000, description="the scanned QR content")


class CorrectionIn(BaseModel):
    """用户健康信息纠错: which pop-up is wrong and why; the hotline names the caller by name and ID."""

    person_id: int | None = None
    name: str = Field(default="", max_length=120)
    id_number: str = Field(default="", max_length=18)
    popup: str = Field(max_length=2)
    statement: str = Field(max_length=1000)
