"""The shape of the certificate inside a DCC (eHealth Network "DCC JSON schema" 1.0–1.3, written here
from the published field list, not copied): the holder (`nam`, `dob`), the schema version (`ver`) and
exactly one of vaccination (`v`), test (`t`) or recovery (`r`) with exactly one entry. A certificate
that breaks it is `Refused("schema")` naming the field.

Required fields per group (schema 1.3.0): v — tg vp mp ma dn sd dt co is ci; t — tg tt sc tr co is ci;
r — tg fr co is df du ci. Dates are ISO 8601 text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from lianfang.interop.dcc.decode import Refused

KINDS = {"v": "vaccination", "t": "test", "r": "recovery"}
REQUIRED = {
    "v": ("tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"),
    "t": ("tg", "tt", "sc", "tr", "co", "is", "ci"),
    "r": ("tg", "fr", "co", "is", "df", "du", "ci"),
}
DATES = {"v": ("dt",), "t": (), "r": ("fr", "df", "du")}
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_DOB = re.compile(r"((19|20)\d\d(-\d\d){0,2})?")  # 1.3.0 allows "", a year or a year and month


@dataclass(frozen=True)
class Certificate:
    """A certificate that passed the schema: which group, its one entry, the holder."""

    kind: str  # v | t | r
    entry: Mapping[str, Any]
    family_name: str
    given_name: str
    dob: str
    version: str

    @property
    def uvci(self) -> str:
        return str(self.entry["ci"])


def _bad(field: str, what: str) -> Refused:
    return Refused("schema", f"{field}: {what}")


def parse_date(value: object, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _bad(field, "not a date")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise _bad(field, "not a date") from None


def parse_moment(value: object, field: str) -> datetime:
    """A date and time with an offset (test sample times); naive text is refused."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(field, "not a date and time") from None
    else:
        raise _bad(field, "not a date and time")
    if moment.tzinfo is None:
        raise _bad(field, "no time zone")
    return moment.astimezone(UTC)


def _text(value: object, field: str, limit: int = 80) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(field, f"not text of at most {limit} characters")
    return value


def _positive(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise _bad(field, "not a dose number from 1 to 9")
    return value


def _entry(kind: str, entry: object) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise _bad(kind, "the entry is not an object")
    for key in REQUIRED[kind]:
        if key not in entry:
            raise _bad(f"{kind}.{key}", "missing")
    for key in REQUIRED[kind]:
        if key not in ("dn", "sd", "sc"):
            _text(entry[key], f"{kind}.{key}")
    for key in DATES[kind]:
        parse_date(entry[key], f"{kind}.{key}")
    if kind == "v":
        _positive(entry["dn"], "v.dn")
        _positive(entry["sd"], "v.sd")
    if kind == "t":
        parse_moment(entry["sc"], "t.sc")
    return entry


def check(certificate: Mapping[Any, Any]) -> Certificate:
    """The certificate when it follows the schema; Refused("schema") otherwise."""
    version = certificate.get("ver")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise _bad("ver", "not a schema version")
    names = certificate.get("nam")
    if not isinstance(names, Mapping) or not isinstance(names.get("fnt"), str):
        raise _bad("nam.fnt", "missing")
    family = _text(names.get("fn", names["fnt"]), "nam.fn")
    given = _text(names.get("gn", names.get("gnt", "")), "nam.gn")
    dob = certificate.get("dob")
    if not isinstance(dob, str) or not (_DOB.fullmatch(dob) or _iso_date(dob)):
        raise _bad("dob", "not a date of birth")
    groups = [k for k in KINDS if certificate.get(k) is not None]  # schema 1.0 writers put nulls
    if len(groups) != 1:
        raise _bad("v/t/r", "exactly one of vaccination, test or recovery is allowed")
    kind = groups[0]
    entries = certificate[kind]
    if not isinstance(entries, list | tuple) or len(entries) != 1:
        raise _bad(kind, "exactly one entry is allowed")
    return Certificate(kind, _entry(kind, entries[0]), family, given, dob, version)


def _iso_date(text: str) -> bool:
    """Schema 1.0 wrote dob as a full date, some issuers with a time; accepted as read."""
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True
