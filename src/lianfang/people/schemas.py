"""API shapes for the registry. Reads carry masked identity fields only; the full number comes from
`POST /api/people/{id}/reveal`, which is audited."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from lianfang.people.models import Person
from lianfang.people.rules import mask_name


class PersonCreate(BaseModel):
    name: str = Field(max_length=200)
    id_kind: str = Field(default="resident_id", description="resident_id | passport | other")
    id_number: str = Field(max_length=64)
    phone: str = Field(default="", max_length=32)
    community_id: int | None = Field(default=None, description="the residence community (or community_code)")
    community_code: str = Field(default="", max_length=32)
    household_code: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=400)
    nationality: str = Field(default="", max_length=8, description="ISO 3166-1 alpha-3; CHN by default")


class PersonUpdate(BaseModel):
    """A correction: fields left out stay as they are; phone "" removes the phone."""

    name: str | None = Field(default=None, max_length=200)
    id_kind: str | None = None
    id_number: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    community_id: int | None = None
    community_code: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=400)
    nationality: str | None = Field(default=None, max_length=8)


class PersonSearch(BaseModel):
    q: str = Field(default="", max_length=120, description="name prefix")
    id_number: str = Field(default="", max_length=64, description="exact document number, any kind")
    phone: str = Field(default="", max_length=32, description="exact mobile number")
    community_id: int | None = None
    community_code: str = Field(default="", max_length=32)
    after: int | None = Field(default=None, description="the last id of the previous page")
    limit: int = 50


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    pseudonym: str
    name: str
    id_kind: str
    id_masked: str
    nationality: str
    birth_date: date | None
    sex: str | None
    phone_masked: str | None
    community_id: int
    household_id: int | None
    address: str
    created_at: datetime
    updated_at: datetime


class PersonPage(BaseModel):
    items: list[PersonRead]
    next_after: int | None


class RevealRead(BaseModel):
    id_number: str
    phone: str | None


class HouseholdCreate(BaseModel):
    community_id: int
    code: str = Field(max_length=64)
    address: str = Field(default="", max_length=400)


class HouseholdJoin(BaseModel):
    """Join a household by id, or by code within the person's community (created when new)."""

    household_id: int | None = None
    code: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=400)


class HouseholdRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    community_id: int
    address: str
    created_at: datetime


class HouseholdDetail(HouseholdRead):
    members: list[PersonRead]


class HouseholdPage(BaseModel):
    items: list[HouseholdRead]
    next_after: int | None


class MyRecord(BaseModel):
    """What a resident sees of a record registered under their phone: masked, as on the health kit."""

    id: int
    name: str
    id_kind: str
    id_masked: str
    phone_masked: str | None
    community_name: str
    address: str

    @classmethod
    def of(cls, person: Person, community_name: str) -> MyRecord:
        return cls(
            id=person.id,
            name=mask_name(person.name),
            id_kind=person.id_kind,
            id_masked=person.id_masked,
            phone_masked=person.phone_masked,
            community_name=community_name,
            address=person.address,
        )
