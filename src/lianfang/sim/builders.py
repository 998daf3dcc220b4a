"""Accumulators for venues and units while the city is generated, and their final column tables (with
synthetic names and codes). Unit codes follow the unified social credit code shape (GB 32100-2015: 18
characters, registration authority + type, region code, 9-character body, mod-31 check character)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lianfang.sim import geo, names
from lianfang.sim._arrays import I64, B, Rng, U, WeightedGroups, codepoints_of, strings_from_codepoints
from lianfang.sim.kinds import SCHOOL_TYPES, UNIT_TYPES, VENUE_TYPES, UnitKind, VenueKind
from lianfang.sim.tables import Communities, Streets, Units, Venues

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def _short(place: str) -> str:
    """Community or street name without its 社区/村/街道/镇 suffix."""
    for suffix in ("街道", "社区", "镇", "村"):
        if place.endswith(suffix):
            return place[: -len(suffix)]
    return place


class VenueBuilder:
    def __init__(self) -> None:
        self.kind: list[I64] = []
        self.community: list[I64] = []
        self.capacity: list[I64] = []
        self.school_level: list[I64] = []  # for naming schools; -1 otherwise
        self.n = 0

    def add(
        self,
        kind: VenueKind,
        community: npt.NDArray[np.integer[Any]],
        capacity: npt.NDArray[np.integer[Any]],
        school_level: int = -1,
    ) -> I64:
        m = community.shape[0]
        self.kind.append(np.full(m, int(kind), dtype=np.int64))
        self.community.append(community.astype(np.int64))
        self.capacity.append(np.maximum(1, capacity.astype(np.int64)))
        self.school_level.append(np.full(m, school_level, dtype=np.int64))
        ids = np.arange(self.n, self.n + m, dtype=np.int64)
        self.n += m
        return ids

    def column(self, name: str) -> I64:
        parts: list[I64] = getattr(self, name)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def build(self, communities: Communities, rng: Rng, operator: I64) -> Venues:
        kind = self.column("kind")
        community = self.column("community")
        level = self.column("school_level")
        stay = np.array([t.stay_minutes for t in VENUE_TYPES], dtype=np.int16)[kind]
        school_stay = np.array([t.stay_minutes for t in SCHOOL_TYPES], dtype=np.int16)
        stay = np.where(level >= 0, school_stay[np.maximum(level, 0)], stay).astype(np.int16)
        brands = rng.integers(0, len(names.BRANDS), size=int(kind.shape[0]))
        out: list[str] = []
        for i in range(kind.shape[0]):
            place = _short(str(communities.name[community[i]]))
            k = VenueKind(int(kind[i]))
            brand = names.BRANDS[int(brands[i])]
            if k == VenueKind.METRO_STATION:
                out.append(f"{place}站")
            elif k == VenueKind.SCHOOL:
                out.append(f"{place}{SCHOOL_TYPES[int(level[i])].zh}")
            elif k == VenueKind.OFFICE_BUILDING:
                out.append(f"{brand}{place}大厦")
            elif k in (VenueKind.HOSPITAL, VenueKind.FACTORY, VenueKind.MARKET):
                out.append(f"{place}{VENUE_TYPES[k].zh}")
            else:
                out.append(f"{brand}{VENUE_TYPES[k].zh}（{place}店）")
        district_code = communities.code[community].astype("U6")
        code = np.char.add(
            np.char.add(district_code, "V"), np.char.zfill(np.arange(kind.shape[0]).astype(np.str_), 7)
        )
        return Venues(
            kind=kind.astype(np.int8),
            name=np.array(out, dtype=np.str_),
            code=code.astype(np.str_),
            community=community.astype(np.int32),
            street=communities.street[community].astype(np.int32),
            district=communities.district[community].astype(np.int16),
            capacity=self.column("capacity").astype(np.int32),
            stay_minutes=stay,
            unit=operator.astype(np.int32),
        )


class UnitBuilder:
    def __init__(self) -> None:
        self.cols: dict[str, list[I64]] = {k: [] for k in ("kind", "community", "venue", "client", "staff")}
        self.n = 0

    def add(
        self,
        kind: UnitKind | npt.NDArray[np.integer[Any]],
        community: npt.NDArray[np.integer[Any]],
        venue: npt.NDArray[np.integer[Any]],
        staff: npt.NDArray[np.integer[Any]],
    ) -> I64:
        m = community.shape[0]
        kinds = np.full(m, int(kind), dtype=np.int64) if isinstance(kind, UnitKind) else kind.astype(np.int64)
        self.cols["kind"].append(kinds)
        self.cols["community"].append(community.astype(np.int64))
        self.cols["venue"].append(venue.astype(np.int64))
        self.cols["client"].append(np.full(m, -1, dtype=np.int64))
        self.cols["staff"].append(staff.astype(np.int64))
        ids = np.arange(self.n, self.n + m, dtype=np.int64)
        self.n += m
        return ids

    def column(self, name: str) -> I64:
        parts = self.cols[name]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def replace(self, name: str, values: I64) -> None:
        self.cols[name] = [values]

    def build(
        self, communities: Communities, streets: Streets, staff: I64, metro: I64, venue_names: U, rng: Rng
    ) -> Units:
        kind = self.column("kind")
        community = self.column("community")
        venue = self.column("venue")
        n = kind.shape[0]
        brands = rng.integers(0, len(names.BRANDS), size=int(n))
        out: list[str] = []
        for i in range(n):
            k = UnitKind(int(kind[i]))
            if k in (UnitKind.SCHOOL, UnitKind.HOSPITAL, UnitKind.CLINIC, UnitKind.PHARMACY) or (
                k == UnitKind.VENUE_OPERATOR
            ):
                out.append(str(venue_names[venue[i]]) if venue[i] >= 0 else UNIT_TYPES[k].zh)
                continue
            street = str(streets.name[communities.street[community[i]]])
            brand = names.BRANDS[int(brands[i])]
            out.append(f"北京{brand}{_short(street)}{UNIT_TYPES[k].suffix}")
        region = communities.code[community].astype("U6")
        prefix = np.where(kind == int(UnitKind.GOVERNMENT), "12", "91").astype(np.str_)
        # Body: an affine bijection of the row number written in base 30, so codes are unique.
        chars = codepoints_of(USCC_CHARS[:-1])
        value = (np.arange(n, dtype=np.int64) * 1_000_003 + int(rng.integers(0, 30**8))) % 30**9
        digits = (value[:, None] // (30 ** np.arange(8, -1, -1, dtype=np.int64))[None, :]) % 30
        body = strings_from_codepoints(chars[digits])
        first17 = np.char.add(np.char.add(prefix, region), body)
        code = np.array([f + uscc_check(str(f)) for f in first17.tolist()], dtype=np.str_)
        return Units(
            kind=kind.astype(np.int8),
            name=np.array(out, dtype=np.str_),
            code=code,
            community=community.astype(np.int32),
            venue=venue.astype(np.int32),
            client_unit=self.column("client").astype(np.int32),
            staff=staff.astype(np.int32),
            metro=metro.astype(np.int32),
        )


@dataclass(frozen=True)
class Residents:
    community: I64
    street: I64
    district: I64
    age: I64
    male: B


class BuildContext:
    """Shared state while venues, schools and units are generated."""

    def __init__(self, people: Residents, communities: Communities, streets: Streets, rng: Rng) -> None:
        self.people = people
        self.communities = communities
        self.street_district = streets.district.astype(np.int64)
        self.rng = rng
        self.n_districts = len(geo.DISTRICTS)
        residents = np.bincount(people.community, minlength=len(communities)).astype(np.float64)
        self.pop = np.bincount(people.district, minlength=self.n_districts).astype(np.float64)
        self.places = WeightedGroups(
            np.arange(len(communities), dtype=np.int64),
            communities.district,
            residents + 0.5,
            self.n_districts,
        )
        self.venues = VenueBuilder()
        self.units = UnitBuilder()
        self.venue_unit: list[tuple[I64, I64]] = []

    def place(self, district: I64) -> I64:
        return self.places.pick(district, self.rng.random(int(district.shape[0])))
