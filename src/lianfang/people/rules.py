"""Identity rules: Chinese resident identity numbers (GB 11643-1999: 6-digit region code, 8-digit birth
date, 3-digit sequence, ISO 7064 MOD 11-2 check character) and the masked forms
that Beijing's health kit shows (RULES.md §4.2: surname only, first and last two ID characters).

Keyed-hash look-up keys for identities. Every module that finds a person by identity number or
phone goes through these, so the hashes stay one scheme.

Turning typed values (a form, an API body, a file row) into clean, hashed values, collecting every
problem with its field and row. Shared by the service verbs and the importer so both say the same."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lianfang.config import Settings
from lianfang.core.access import Actor
from lianfang.core.crypto import vault
from lianfang.core.errors import Problem
from lianfang.core.phone import normalise_phone, phone_problem
from lianfang.jurisdictions.models import Jurisdiction

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


_CHECK = "10X98765432"


_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


# GB/T 2260 province-level prefixes (first two digits) in use for resident identity numbers.
PROVINCE_PREFIXES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)


def id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise_id_number(raw: str) -> str:
    return raw.strip().upper().replace(" ", "")


def id_number_problem(
    raw: str, today: date, field: str = "id_number", row: int | None = None
) -> Problem | None:
    """None when `raw` is a valid resident identity number, else the reason in both languages."""
    value = normalise_id_number(raw)
    if not _ID_SHAPE.match(value):
        return Problem(
            field,
            "身份证号应为18位，前17位为数字，末位为数字或X",
            "an ID number has 18 characters: 17 digits, then a digit or X",
            row,
        )
    if value[:2] not in PROVINCE_PREFIXES:
        return Problem(field, f"身份证号地区码“{value[:6]}”无效", f"unknown region code {value[:6]}", row)
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return Problem(
            field,
            f"身份证号中的出生日期“{value[6:14]}”无效",
            f"the birth date {value[6:14]} in the ID number is not a date",
            row,
        )
    if born > today or born.year < 1900:
        return Problem(
            field, "身份证号中的出生日期不合理", "the birth date in the ID number is out of range", row
        )
    if id_check_character(value[:17]) != value[17]:
        return Problem(field, "身份证号校验位错误，请核对", "the ID number's check character is wrong", row)
    return None


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number: str) -> str:
    return "M" if int(id_number[16]) % 2 else "F"


def mask_id(id_number: str) -> str:
    return id_number[:2] + "*" * (len(id_number) - 4) + id_number[-2:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


ID_KINDS: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "Resident ID card"),
    "passport": ("护照", "Passport"),
    "other": ("其他证件", "Other document"),
}


_ID_KIND_ALIASES = {
    "": "resident_id",
    "resident_id": "resident_id",
    "身份证": "resident_id",
    "居民身份证": "resident_id",
    "passport": "passport",
    "护照": "passport",
    "other": "other",
    "其他": "other",
    "其他证件": "other",
}


_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


_OTHER_DOCUMENT = re.compile(r"^[A-Z0-9-]{3,40}$")


_NATIONALITY = re.compile(r"^[A-Z]{3}$")


_HOUSEHOLD_CODE = re.compile(r"^[A-Za-z0-9-]{1,40}$")


NAME_MAX = 120


def normalise_id_kind(raw: str) -> str | None:
    """The canonical id kind for a spelling used in files (English or Chinese), None if unknown."""
    return _ID_KIND_ALIASES.get(raw.strip().lower())


def document_problem(
    id_kind: str, raw: str, today: date, field: str = "id_number", row: int | None = None
) -> Problem | None:
    """Resident IDs get the full GB 11643 check; a passport is 5-20 letters or digits (ICAO 9303 allows
    up to 9 in the machine-readable zone, older and foreign books are longer); other documents 3-40."""
    value = normalise_id_number(raw)
    if not value:
        return Problem(field, "证件号码不能为空", "the document number is required", row)
    if id_kind == "resident_id":
        return id_number_problem(value, today, field, row)
    if id_kind == "passport" and not _PASSPORT.match(value):
        return Problem(
            field, "护照号应为5-20位字母或数字", "a passport number has 5-20 letters or digits", row
        )
    if id_kind == "other" and not _OTHER_DOCUMENT.match(value):
        return Problem(
            field, "证件号码应为3-40位字母、数字或-", "a document number has 3-40 letters, digits or -", row
        )
    return None


def id_kind_problem(raw: str, field: str = "id_kind", row: int | None = None) -> Problem | None:
    if normalise_id_kind(raw) is None:
        return Problem(
            field,
            f"证件类型“{raw}”无效（居民身份证/护照/其他）",
            f"unknown id kind {raw!r} (resident_id/passport/other)",
            row,
        )
    return None


def name_problem(raw: str, field: str = "name", row: int | None = None) -> Problem | None:
    name = raw.strip()
    if not name:
        return Problem(field, "姓名不能为空", "the name is required", row)
    if len(name) > NAME_MAX:
        return Problem(field, f"姓名最多{NAME_MAX}个字符", f"a name has at most {NAME_MAX} characters", row)
    return None


def nationality_problem(raw: str, field: str = "nationality", row: int | None = None) -> Problem | None:
    """ISO 3166-1 alpha-3 (CHN, USA, ...), as on travel documents."""
    if raw and not _NATIONALITY.match(raw.strip().upper()):
        return Problem(
            field, "国籍应为3位字母代码（如CHN）", "nationality is a 3-letter code such as CHN", row
        )
    return None


def household_code_problem(raw: str, field: str = "household_code", row: int | None = None) -> Problem | None:
    if not _HOUSEHOLD_CODE.match(raw.strip()):
        return Problem(
            field, "户号应为1-40位字母、数字或-", "a household code has 1-40 letters, digits or -", row
        )
    return None


def id_hash(settings: Settings, id_kind: str, number: str) -> str:
    return vault(settings).lookup_hash("id", f"{id_kind}:{normalise_id_number(number)}")


def phone_hash(settings: Settings, phone: str) -> str:
    """Same scheme as resident accounts (accounts.service), so a resident finds their own records."""
    return vault(settings).lookup_hash("phone", normalise_phone(phone))


ADDRESS_MAX = 255


@dataclass(frozen=True)
class Identity:
    kind: str
    number: str
    hash: str
    birth_date: date | None
    sex: str | None


@dataclass(frozen=True)
class Phone:
    number: str
    hash: str


def identity(
    settings: Settings, kind_raw: str, number_raw: str, today: date, problems: list[Problem], row: int | None
) -> Identity | None:
    bad_kind = id_kind_problem(kind_raw, row=row)
    if bad_kind is not None:
        problems.append(bad_kind)
        return None
    kind = normalise_id_kind(kind_raw) or "resident_id"
    problem = document_problem(kind, number_raw, today, row=row)
    if problem is not None:
        problems.append(problem)
        return None
    number = normalise_id_number(number_raw)
    derived = kind == "resident_id"
    return Identity(
        kind,
        number,
        id_hash(settings, kind, number),
        birth_date_of(number) if derived else None,
        sex_of(number) if derived else None,
    )


def phone(settings: Settings, raw: str, problems: list[Problem], row: int | None) -> Phone | None:
    """None when no phone was given or it is malformed (then a problem is recorded)."""
    if not raw.strip():
        return None
    problem = phone_problem(raw, row=row)
    if problem is not None:
        problems.append(problem)
        return None
    number = normalise_phone(raw)
    return Phone(number, phone_hash(settings, number))


def name(raw: str, problems: list[Problem], row: int | None) -> str:
    problem = name_problem(raw, row=row)
    if problem is not None:
        problems.append(problem)
    return raw.strip()


def nationality(raw: str, id_kind: str | None, problems: list[Problem], row: int | None) -> str:
    problem = nationality_problem(raw, row=row)
    if problem is not None:
        problems.append(problem)
    value = raw.strip().upper()
    return value or ("CHN" if id_kind == "resident_id" else "")


def address(raw: str, problems: list[Problem], row: int | None) -> str:
    if len(raw.strip()) > ADDRESS_MAX:
        problems.append(
            Problem(
                "address",
                f"地址最多{ADDRESS_MAX}个字符",
                f"an address has at most {ADDRESS_MAX} characters",
                row,
            )
        )
    return raw.strip()


def household_code(raw: str, problems: list[Problem], row: int | None) -> str:
    if raw.strip():
        problem = household_code_problem(raw, row=row)
        if problem is not None:
            problems.append(problem)
    return raw.strip()


def community(
    actor: Actor,
    found: Jurisdiction | None,
    typed: str,
    field: str,
    problems: list[Problem],
    row: int | None,
) -> Jurisdiction | None:
    """The residence community when it exists, is a community and lies in the actor's scope."""
    if not typed:
        problems.append(Problem(field, "请填写所在社区", "the residence community is required", row))
        return None
    if found is None:
        problems.append(Problem(field, f"找不到社区“{typed}”", f"community {typed!r} not found", row))
        return None
    if found.level != "community":
        problems.append(
            Problem(field, f"“{found.name}”不是社区/村", f"{found.name!r} is not a community or village", row)
        )
        return None
    if not actor.covers(found.path):
        problems.append(
            Problem(
                field,
                f"社区“{typed}”不在您的管辖范围内",
                f"community {typed!r} is outside your jurisdiction",
                row,
            )
        )
        return None
    return found
