"""Persons inserted directly with valid synthetic identity numbers (the registry API is tested itself)."""

from __future__ import annotations

import re
import secrets
from datetime import date
from itertools import count

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.jobs import Job
from lianfang.core.phone import mask_phone
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.people.rules import id_check_character, id_hash, mask_id, phone_hash

_serial = count(1)


def valid_id_number(
    born: date = date(1990, 5, 17), region: str = "110105", sequence: int | None = None
) -> str:
    seq = next(_serial) % 1000 if sequence is None else sequence
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


def make_person(
    ctx: Ctx,
    community: Jurisdiction,
    name: str = "张三",
    id_number: str | None = None,
    phone: str | None = None,
) -> Person:
    number = id_number or valid_id_number()
    phone = phone or f"139{next(_serial):08d}"
    keys = vault(ctx.settings)
    person = Person(
        pseudonym=secrets.token_urlsafe(16),
        name=name,
        id_kind="resident_id",
        id_hash=id_hash(ctx.settings, "resident_id", number),
        id_sealed=keys.seal(number),
        id_masked=mask_id(number),
        nationality="CHN",
        birth_date=None,
        sex=None,
        phone_hash=phone_hash(ctx.settings, phone),
        phone_sealed=keys.seal(phone),
        phone_masked=mask_phone(phone),
        community_id=community.id,
        jurisdiction_path=community.path,
        household_id=None,
        address="",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(person)
    ctx.session.flush()
    return person


def resident_code(client: TestClient, session: Session, settings: Settings, phone: str) -> str:
    """Ask for a one-time code as a resident would, and read it back from the queued SMS."""
    response = client.post("/api/resident/code", json={"phone": phone})
    assert response.status_code == 202, response.text
    job = session.scalar(select(Job).where(Job.kind == "sms.send").order_by(Job.id.desc()))
    assert job is not None
    found = re.search(r"\d{6}", vault(settings).open(job.payload["text"]))
    assert found is not None
    return found.group()


def resident_bearer(client: TestClient, session: Session, settings: Settings, phone: str) -> TestClient:
    """Sign `client` in as the resident who owns `phone` (one-time code API, bearer token)."""
    code = resident_code(client, session, settings, phone)
    response = client.post("/api/resident/verify", json={"phone": phone, "code": code})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client
