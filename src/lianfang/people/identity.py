"""Keyed-hash look-up keys for identities. Every module that finds a person by identity number or
phone goes through these, so the hashes stay one scheme."""

from __future__ import annotations

from lianfang.config import Settings
from lianfang.core.crypto import vault
from lianfang.core.phone import normalise_phone
from lianfang.people.rules import normalise_id_number


def id_hash(settings: Settings, id_kind: str, number: str) -> str:
    return vault(settings).lookup_hash("id", f"{id_kind}:{normalise_id_number(number)}")


def phone_hash(settings: Settings, phone: str) -> str:
    """Same scheme as resident accounts (accounts.service), so a resident finds their own records."""
    return vault(settings).lookup_hash("phone", normalise_phone(phone))
