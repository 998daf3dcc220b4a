"""The synthetic city as column arrays (structure of arrays) in frozen dataclasses. Row ids are 0-based
positions; references between tables are positions too (-1 = none). A loader turns each table into rows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from lianfang.sim import geo
from lianfang.sim._arrays import F32, F64, I8, I16, I32, B, D, U


def _rows(table: object) -> int:
    first = fields(table)[0]  # type: ignore[arg-type]
    return int(getattr(table, first.name).shape[0])


def _check_lengths(table: object) -> None:
    n = _rows(table)
    for f in fields(table):  # type: ignore[arg-type]
        value = getattr(table, f.name)
        if isinstance(value, np.ndarray) and value.shape[0] != n:
            msg = f"{type(table).__name__}.{f.name} has {value.shape[0]} rows, expected {n}"
            raise ValueError(msg)


@dataclass(frozen=True, eq=False)
class Districts:
    code: U  # GB/T 2260, e.g. 110105
    name: U
    name_en: U
    box: F64  # (n, 4) lon_min, lat_min, lon_max, lat_max
    population_share: F64

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)

    def geojson(self) -> dict[str, Any]:
        props = [
            {"code": str(c), "name": str(n), "name_en": str(e)}
            for c, n, e in zip(self.code, self.name, self.name_en, strict=True)
        ]
        return geo.feature_collection(self.box, props)


@dataclass(frozen=True, eq=False)
class Streets:
    code: U  # 9 digits: district code + 3
    name: U
    district: I16
    box: F64
    township: B  # 乡镇 (villages) rather than 街道 (communities)

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


@dataclass(frozen=True, eq=False)
class Communities:
    code: U  # 12 digits: street code + 3
    name: U
    street: I32
    district: I16
    box: F64
    village: B  # 村 rather than 社区

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)

    def geojson(self) -> dict[str, Any]:
        props = [{"code": str(c), "name": str(n)} for c, n in zip(self.code, self.name, strict=True)]
        return geo.feature_collection(self.box, props)


@dataclass(frozen=True, eq=False)
class Households:
    code: U  # community code + 5-digit number
    community: I32
    size: I8
    first_person: I32  # members are persons first_person .. first_person + size - 1

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


RELATIONS = ("head", "spouse", "child", "parent", "single")


@dataclass(frozen=True, eq=False)
class Persons:
    household: I32
    community: I32
    street: I32
    district: I16
    relation: I8  # index into RELATIONS
    male: B
    age: I16  # whole years on the reference date
    birth_date: D  # datetime64[D]
    id_number: U  # 18 characters, unique, valid check character
    name: U
    phone: U  # 11 digits, unique
    unit: I32  # employer or school unit, -1 none
    school_class: I32  # -1 unless a student
    metro_commuter: B
    home_metro: I32  # metro station venue near home, -1 none
    scan_habit: F32  # uniform draw; daily life turns it into a per-person scanning propensity

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


@dataclass(frozen=True, eq=False)
class Units:
    kind: I8  # kinds.UnitKind
    name: U
    code: U
    community: I32
    venue: I32  # where the staff (and students) check in every working day
    client_unit: I32  # dispatch/cleaning/housekeeping staff are placed at this unit's venue, else -1
    staff: I32  # staff actually assigned
    metro: I32  # metro station nearest the workplace, -1 none

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


@dataclass(frozen=True, eq=False)
class Classes:
    unit: I32  # the school unit
    level: I8  # kinds.SchoolLevel
    grade: I8  # 1-based grade within the level
    name: U

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


@dataclass(frozen=True, eq=False)
class Venues:
    kind: I8  # kinds.VenueKind
    name: U
    code: U
    community: I32
    street: I32
    district: I16
    capacity: I32  # people at once at a busy time; also the weight of being chosen
    stay_minutes: I16  # typical stay of a visitor
    unit: I32  # operating unit, -1 none (office buildings host many units)

    def __post_init__(self) -> None:
        _check_lengths(self)

    def __len__(self) -> int:
        return _rows(self)


@dataclass(frozen=True, eq=False)
class City:
    seed: int
    reference_date: date
    districts: Districts
    streets: Streets
    communities: Communities
    households: Households
    persons: Persons
    units: Units
    classes: Classes
    venues: Venues

    @property
    def n_persons(self) -> int:
        return len(self.persons)

    def summary(self) -> dict[str, int]:
        return {
            "districts": len(self.districts),
            "streets": len(self.streets),
            "communities": len(self.communities),
            "households": len(self.households),
            "persons": len(self.persons),
            "units": len(self.units),
            "classes": len(self.classes),
            "venues": len(self.venues),
        }


__all__ = [
    "RELATIONS",
    "City",
    "Classes",
    "Communities",
    "Districts",
    "Households",
    "Persons",
    "Streets",
    "Units",
    "Venues",
]
