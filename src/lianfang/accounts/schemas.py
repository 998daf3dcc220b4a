"""API shapes for accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TokenRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    name: str = Field(default="api", max_length=120, description="a label for the device or script")


class TokenRead(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type, not a secret)


class UserCreate(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=120)
    password: str = Field(max_length=256)
    role: str
    jurisdiction_id: int


class UserUpdate(BaseModel):
    display_name: str = Field(max_length=120)
    role: str
    jurisdiction_id: int
    active: bool = True


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    jurisdiction_id: int
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class UserPage(BaseModel):
    items: list[UserRead]
    next_after: int | None


class MeRead(BaseModel):
    kind: str
    label: str
    user_id: int | None
    resident_id: int | None
    role: str | None
    jurisdiction_id: int | None
    permissions: list[str]


class PhoneRequest(BaseModel):
    phone: str = Field(max_length=20)


class PhoneCode(BaseModel):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=10)
