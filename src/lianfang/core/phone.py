"""Mainland China mobile numbers: 11 digits starting 13-19, optionally written with +86, spaces or dashes."""

from __future__ import annotations

import re

from lianfang.core.errors import Problem

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    value = re.sub(r"[\s-]", "", raw.strip())
    return value.removeprefix("+86")


def phone_problem(raw: str, field: str = "phone", row: int | None = None) -> Problem | None:
    if not _PHONE.match(normalise_phone(raw)):
        return Problem(field, "手机号应为11位，以1开头", "a mobile number has 11 digits starting with 1", row)
    return None


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]
