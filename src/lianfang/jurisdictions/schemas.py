"""API shapes for jurisdictions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class JurisdictionCreate(BaseModel):
    code: str = Field(max_length=32)
    name: str = Field(max_length=120)
    level: str
    parent_code: str = ""
    name_en: str = Field(default="", max_length=120)


class JurisdictionUpdate(BaseModel):
    name: str = Field(max_length=120)
    name_en: str = Field(default="", max_length=120)
    active: bool = True


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    level: str
    parent_id: int | None
    path: str
    active: bool
