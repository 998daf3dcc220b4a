"""Turning typed values (a form, an API body, a file row) into clean, hashed values, collecting every
problem with its field and row. Shared by the service verbs and the importer so both say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lianfang.config import Settings
from lianfang.core.access import Actor
from lianfang.core.errors import Problem
from lianfang.core.phone import normalise_phone, phone_problem
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.identity import id_hash, phone_hash
from lianfang.people.rules import (
    birth_date_of,
    document_problem,
    household_code_problem,
    id_kind_problem,
    name_problem,
    nationality_problem,
    normalise_id_kind,
    normalise_id_number,
    sex_of,
)

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
