"""The synthetic city as rows of the operational tables: households, people, units, venues and staff
lists, as column arrays (`bulk.Col`) ready for a bulk insert.

Engine ids are 0-based positions; database ids are `base + position` for each table (`IdMap`), given
explicitly so nothing has to be read back. Kinds are mapped to the registry's vocabularies
(`venues.rules.KINDS`, `units.rules.KINDS`, `units.rules.ROLES`); venue codes are the registry's 8-character
hand-typed codes (`venues.rules.CODE_ALPHABET`), an affine bijection of the position so they are unique
and the same for a seed."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lianfang.sim._arrays import I64, U, codepoints_of, rank_in_group, strings_from_codepoints
from lianfang.sim.bulk import Col
from lianfang.sim.kinds import VENUE_TYPES, SchoolLevel, UnitKind, VenueKind
from lianfang.sim.sealing import lookup_hashes, seal_many
from lianfang.sim.tables import City
from lianfang.units.rules import KINDS as UNIT_KINDS
from lianfang.units.rules import ROLES
from lianfang.venues.rules import CODE_ALPHABET, CODE_LENGTH
from lianfang.venues.rules import KINDS as VENUE_KINDS

# Sim venue kinds the registry has no word for.
_VENUE_KIND_ALIASES = {"convenience_store": "supermarket", "factory": "other"}
_UNIT_KIND = {
    UnitKind.OFFICE: "employer",
    UnitKind.FACTORY: "factory",
    UnitKind.SCHOOL: "school",
    UnitKind.HOSPITAL: "hospital",
    UnitKind.CLINIC: "clinic",
    UnitKind.PHARMACY: "pharmacy",
    UnitKind.PROPERTY: "property",
    UnitKind.CLEANING: "cleaning",
    UnitKind.HOUSEKEEPING: "housekeeping",
    UnitKind.LABOUR_DISPATCH: "labour_dispatch",
    UnitKind.VENUE_OPERATOR: "employer",
    UnitKind.GOVERNMENT: "office",
}
# Role of staff a company places at a client's premises (they are listed there, through the company).
_PLACED_ROLE = {
    UnitKind.CLEANING: "cleaning",
    UnitKind.LABOUR_DISPATCH: "dispatched",
    UnitKind.HOUSEKEEPING: "housekeeper",
    UnitKind.PROPERTY: "property",
}
_CODE_MULTIPLIER = 527_107_341_209  # ≈ 0.618·31^8 and coprime with 31: i -> (a·i + b) mod 31^8 is a bijection


@dataclass(frozen=True)
class IdMap:
    """Database ids and paths for engine positions."""

    community_id: I64
    community_path: U
    household: int  # database id of household 0
    person: int
    unit: int
    venue: int

    def households(self, pos: npt.NDArray[np.integer]) -> I64:
        return np.asarray(pos, dtype=np.int64) + self.household

    def persons(self, pos: npt.NDArray[np.integer]) -> I64:
        return np.asarray(pos, dtype=np.int64) + self.person

    def units(self, pos: npt.NDArray[np.integer]) -> I64:
        return np.asarray(pos, dtype=np.int64) + self.unit

    def venues(self, pos: npt.NDArray[np.integer]) -> I64:
        return np.asarray(pos, dtype=np.int64) + self.venue


def _stamp(n: int, at: np.datetime64) -> npt.NDArray[np.datetime64]:
    return np.full(n, at, dtype="datetime64[us]")


def _const(n: int, value: str) -> U:
    return np.full(n, value, dtype=f"U{max(1, len(value))}")


def venue_kinds() -> U:
    """Registry kind per sim VenueKind value."""
    out = [_VENUE_KIND_ALIASES.get(t.slug, t.slug) for t in VENUE_TYPES]
    unknown = set(out) - set(VENUE_KINDS)
    if unknown:  # pragma: no cover - the registry's vocabulary changed
        msg = f"venue kinds unknown to the registry: {sorted(unknown)}"
        raise ValueError(msg)
    return np.array(out, dtype=np.str_)


def venue_codes(n: int, seed: int) -> U:
    alphabet = codepoints_of(CODE_ALPHABET)
    base = len(CODE_ALPHABET)
    space = base**CODE_LENGTH
    offset = (seed * 2_654_435_761 + 97_531) % space
    value = (np.arange(n, dtype=np.int64) * _CODE_MULTIPLIER % space + offset) % space
    digits = (value[:, None] // (base ** np.arange(CODE_LENGTH - 1, -1, -1, dtype=np.int64))[None, :]) % base
    return strings_from_codepoints(alphabet[digits])


def unit_kinds(city: City) -> U:
    kinds = np.array([_UNIT_KIND[UnitKind(k)] for k in city.units.kind.tolist()], dtype=np.str_)
    assert set(kinds.tolist()) <= set(UNIT_KINDS)
    kinder = city.classes.unit[city.classes.level == int(SchoolLevel.KINDERGARTEN)]
    kinds[np.unique(kinder)] = "kindergarten"
    restaurants = city.venues.unit[city.venues.kind == int(VenueKind.RESTAURANT)]
    restaurants = restaurants[restaurants >= 0]
    kinds[restaurants[city.units.kind[restaurants] == int(UnitKind.VENUE_OPERATOR)]] = "canteen"
    return kinds


def household_addresses(city: City) -> U:
    """ "<community>3号楼2单元501室": buildings of 3 entrances × 6 floors × 2 flats, in order."""
    h = city.households
    order = np.argsort(h.community, kind="stable")
    rank = np.empty(len(h), dtype=np.int64)
    rank[order] = rank_in_group(h.community[order].astype(np.int64))
    building, rest = rank // 36 + 1, rank % 36
    entrance, floor, flat = rest // 12 + 1, (rest % 12) // 2 + 1, rest % 2 + 1
    place = city.communities.name[h.community]
    parts: list[U] = [place, building.astype(np.str_), np.array("号楼"), entrance.astype(np.str_)]
    parts += [np.array("单元"), (floor * 100 + flat).astype(np.str_), np.array("室")]
    out = parts[0]
    for p in parts[1:]:
        out = np.char.add(out, p)
    return np.asarray(out, dtype=np.str_)


def household_cols(city: City, ids: IdMap, at: np.datetime64) -> list[Col]:
    h = city.households
    n = len(h)
    return [
        Col("id", "int4", ids.households(np.arange(n))),
        Col("code", "text", h.code),
        Col("community_id", "int4", ids.community_id[h.community]),
        Col("jurisdiction_path", "text", ids.community_path[h.community]),
        Col("address", "text", household_addresses(city)),
        Col("created_at", "ts", _stamp(n, at)),
    ]


def _masked(values: U, keep_head: int, keep_tail: int) -> U:
    points = np.ascontiguousarray(values).view(np.uint32).reshape(values.shape[0], -1).copy()
    points[:, keep_head : points.shape[1] - keep_tail] = ord("*")
    return strings_from_codepoints(points)


def pseudonyms(seed: int, n: int) -> U:
    """20 URL-safe characters (120 random bits) per person, from the run's seed."""
    raw = np.random.default_rng(np.random.SeedSequence([seed, 0x9E0])).bytes(15 * n)
    chars = np.frombuffer(base64.urlsafe_b64encode(raw), dtype=np.uint8)
    return chars.view("S20").astype("U20") if n else np.zeros(0, dtype=np.str_)


@dataclass(frozen=True)
class PeopleInputs:
    data_key: str
    lookup_key: str
    pseudonym: U  # per person
    address: U  # per household


def people_cols(
    city: City, ids: IdMap, inputs: PeopleInputs, lo: int, hi: int, at: np.datetime64
) -> list[Col]:
    """Rows lo..hi-1 of the people table: identity numbers and phones sealed, hashed and masked."""
    p, keys, addresses = city.persons, inputs, inputs.address
    pos = np.arange(lo, hi)
    number, phone = p.id_number[lo:hi], p.phone[lo:hi]
    n = hi - lo
    return [
        Col("id", "int4", ids.persons(pos)),
        Col("pseudonym", "text", inputs.pseudonym[lo:hi]),
        Col("name", "text", p.name[lo:hi]),
        Col("id_kind", "text", _const(n, "resident_id")),
        Col(
            "id_hash",
            "text",
            np.array(lookup_hashes(keys.lookup_key, "id", np.char.add("resident_id:", number).tolist())),
        ),
        Col("id_sealed", "text", seal_many(keys.data_key, number.tolist())),
        Col("id_masked", "text", _masked(number, 2, 2)),
        Col("nationality", "text", _const(n, "CHN")),
        Col("birth_date", "date", p.birth_date[lo:hi]),
        Col("sex", "text", np.where(p.male[lo:hi], "M", "F")),
        Col("phone_hash", "text", np.array(lookup_hashes(keys.lookup_key, "phone", phone.tolist()))),
        Col("phone_sealed", "text", seal_many(keys.data_key, phone.tolist())),
        Col("phone_masked", "text", _masked(phone, 3, 4)),
        Col("community_id", "int4", ids.community_id[p.community[lo:hi]]),
        Col("jurisdiction_path", "text", ids.community_path[p.community[lo:hi]]),
        Col("household_id", "int4", ids.households(p.household[lo:hi])),
        Col("address", "text", addresses[p.household[lo:hi]]),
        Col("created_at", "ts", _stamp(n, at)),
        Col("updated_at", "ts", _stamp(n, at)),
    ]


def unit_cols(city: City, ids: IdMap, at: np.datetime64) -> list[Col]:
    u = city.units
    n = len(u)
    return [
        Col("id", "int4", ids.units(np.arange(n))),
        Col("code", "text", u.code),
        Col("name", "text", u.name),
        Col("kind", "text", unit_kinds(city)),
        Col("community_id", "int4", ids.community_id[u.community]),
        Col("jurisdiction_path", "text", ids.community_path[u.community]),
        Col("address", "text", _const(n, "")),
        Col("contact_name", "text", _const(n, "")),
        Col("active", "bool", np.ones(n, dtype=bool)),
        Col("created_at", "ts", _stamp(n, at)),
        Col("updated_at", "ts", _stamp(n, at)),
    ]


def venue_cols(city: City, ids: IdMap, at: np.datetime64) -> list[Col]:
    v = city.venues
    n = len(v)
    return [
        Col("id", "int4", ids.venues(np.arange(n))),
        Col("code", "text", venue_codes(n, city.seed)),
        Col("name", "text", v.name),
        Col("kind", "text", venue_kinds()[v.kind]),
        Col("community_id", "int4", ids.community_id[v.community]),
        Col("jurisdiction_path", "text", ids.community_path[v.community]),
        Col("address", "text", _const(n, "")),
        Col("capacity", "int4", v.capacity),
        Col("status", "text", _const(n, "open")),
        Col("status_reason", "text", _const(n, "")),
        Col("status_by_authority", "bool", np.zeros(n, dtype=bool)),
        Col("unit_id", "int4", ids.units(np.maximum(v.unit, 0)), null=v.unit < 0),
        Col("created_at", "ts", _stamp(n, at)),
        Col("updated_at", "ts", _stamp(n, at)),
    ]


def membership_cols(city: City, ids: IdMap, first_id: int, at: np.datetime64) -> list[Col]:
    """One membership per employed person or pupil: pupils with their class as group, school staff as
    teachers, staff placed by a cleaning / dispatch company at the client unit through that company."""
    p, u = city.persons, city.units
    who = np.flatnonzero(p.unit >= 0)
    company = p.unit[who].astype(np.int64)
    kind = u.kind[company].astype(np.int64)
    client = u.client_unit[company].astype(np.int64)
    student = p.school_class[who] >= 0
    placed = ~student & (client >= 0) & np.isin(kind, [int(k) for k in _PLACED_ROLE])
    role = np.full(who.shape[0], "staff", dtype=f"U{max(len(r) for r in ROLES)}")
    role[(kind == int(UnitKind.SCHOOL)) & ~student] = "teacher"
    role[student] = "student"
    for k, name in _PLACED_ROLE.items():
        role[placed & (kind == int(k))] = name
    group = np.where(student, city.classes.name[np.maximum(p.school_class[who], 0)], "")
    unit = np.where(placed, client, company)
    m = who.shape[0]
    return [
        Col("id", "int4", np.arange(first_id, first_id + m, dtype=np.int64)),
        Col("unit_id", "int4", ids.units(unit)),
        Col("person_id", "int4", ids.persons(who)),
        Col("role", "text", role),
        Col("group_name", "text", group),
        Col("via_unit_id", "int4", ids.units(company), null=~placed),
        Col("created_at", "ts", _stamp(m, at)),
    ]
