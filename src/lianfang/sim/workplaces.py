"""Venues, schools (with classes), employers and other units, and who works or studies where.

Order: public venues by density per district (each run by a small operator unit, or a hospital / clinic /
pharmacy unit); schools per level and district, filled with nearby children (persons are stored community
by community, so contiguous runs are neighbours) and split into classes by grade; then every worker picks a
job district (home district or a commuting destination), fills venue and school jobs there first and the
rest in generated companies, factories, public institutions, property / cleaning / housekeeping /
labour-dispatch companies with heavy-tailed sizes. Office-type units share office buildings per street."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lianfang.sim import geo
from lianfang.sim._arrays import I32, I64, B, LocalPicker, Rng
from lianfang.sim.builders import BuildContext, Residents
from lianfang.sim.kinds import UNIT_TYPES, VENUE_TYPES, UnitKind, VenueKind
from lianfang.sim.schools import build_schools
from lianfang.sim.tables import Classes, Communities, Streets, Units, Venues

HOME_DISTRICT_JOB_SHARE = 0.55
MAX_FIXED_JOB_SHARE = 0.6  # at most this share of a district's workers fill venue / school jobs
OFFICE_BUILDING_STAFF = 800
_VENUE_UNIT_KIND = {
    VenueKind.HOSPITAL: UnitKind.HOSPITAL,
    VenueKind.CLINIC: UnitKind.CLINIC,
    VenueKind.PHARMACY: UnitKind.PHARMACY,
}


@dataclass(frozen=True)
class Workplaces:
    units: Units
    classes: Classes
    venues: Venues
    unit: I32
    school_class: I32
    metro_commuter: B
    home_metro: I32


def _public_venues(ctx: BuildContext) -> None:
    rng = ctx.rng
    has_metro = np.array([d.has_metro for d in geo.DISTRICTS])
    for vt in VENUE_TYPES:
        if vt.residents_per_venue <= 0:
            continue
        expected = ctx.pop / vt.residents_per_venue
        # City-wide total (at least one of every kind), spread over districts by population.
        total = max(1, round(float(expected.sum())))
        count = rng.multinomial(total, ctx.pop / ctx.pop.sum())
        count = np.maximum(count, vt.min_per_district)
        if vt.kind == VenueKind.METRO_STATION:
            count = np.where(has_metro, np.maximum(count, 1), 0)
        count = np.where(ctx.pop > 0, count, 0)
        district = np.repeat(np.arange(ctx.n_districts), count)
        # Sizes follow the catchment: where minimums (or rounding) give more or fewer venues than the
        # population supports, each serves fewer or more residents, so capacity and staff scale with it.
        scale = float(expected.sum()) / max(1, int(count.sum()))
        size = rng.lognormal(0.0, vt.size_sigma, district.shape[0])
        capacity = np.maximum(2, np.rint(vt.size_median * size * scale)).astype(np.int64)
        community = ctx.place(district)
        venue_ids = ctx.venues.add(vt.kind, community, capacity)
        if vt.staff > 0:
            staff = np.maximum(1, np.rint(vt.staff * size**0.7 * scale)).astype(np.int64)
            unit_kind = _VENUE_UNIT_KIND.get(vt.kind, UnitKind.VENUE_OPERATOR)
            unit_ids = ctx.units.add(unit_kind, community, venue_ids, staff)
            ctx.venue_unit.append((venue_ids, unit_ids))


def _employment(ctx: BuildContext, unit: I64) -> B:
    age, male = ctx.people.age, ctx.people.male
    rate = np.select(
        [age < 18, age <= 22, age <= 49, age <= 54, age <= 59, age <= 64],
        [
            0.0,
            0.7,
            np.where(male, 0.88, 0.80),
            np.where(male, 0.82, 0.60),
            np.where(male, 0.65, 0.25),
            np.where(male, 0.20, 0.08),
        ],
        0.02,
    )
    return (unit < 0) & (ctx.rng.random(age.shape[0]) < rate)


def _flexible_units(ctx: BuildContext, jobs: int) -> tuple[I64, I64]:
    """Companies etc. in one district with heavy-tailed sizes summing exactly to `jobs`: (kinds, sizes)."""
    rng = ctx.rng
    flex = [t for t in UNIT_TYPES if t.job_share > 0]
    share = np.array([t.job_share for t in flex])
    kinds: list[I64] = []
    sizes: list[I64] = []
    total = 0
    while total < jobs:
        m = max(4, (jobs - total) // 20)
        pick = rng.choice(len(flex), size=m, p=share / share.sum())
        median = np.array([flex[i].size_median for i in pick])
        sigma = np.array([flex[i].size_sigma for i in pick])
        size = np.maximum(1, np.rint(median * rng.lognormal(0.0, sigma))).astype(np.int64)
        kinds.append(np.array([int(flex[i].kind) for i in pick], dtype=np.int64))
        sizes.append(size)
        total += int(size.sum())
    kind_all, size_all = np.concatenate(kinds), np.concatenate(sizes)
    cum = np.cumsum(size_all)
    keep = int(np.searchsorted(cum, jobs, side="left")) + 1
    size_all = size_all[:keep].copy()
    size_all[-1] -= int(cum[keep - 1]) - jobs
    return kind_all[:keep], size_all


def _jobs(ctx: BuildContext, unit: I64) -> None:
    """Assigns workers to units in place; creates the flexible units and their venues."""
    rng, people = ctx.rng, ctx.people
    workers = np.flatnonzero(_employment(ctx, unit))
    attraction = ctx.pop * np.array([d.job_attraction for d in geo.DISTRICTS])
    away = rng.choice(ctx.n_districts, size=workers.shape[0], p=attraction / attraction.sum())
    job_district = np.where(
        rng.random(workers.shape[0]) < HOME_DISTRICT_JOB_SHARE, people.district[workers], away
    )
    fixed_units = np.arange(ctx.units.n, dtype=np.int64)
    fixed_staff = ctx.units.column("staff")
    fixed_district = ctx.communities.district[ctx.units.column("community")].astype(np.int64)
    flex_kind: list[I64] = []
    flex_size: list[I64] = []
    flex_district: list[I64] = []
    for d in range(ctx.n_districts):
        w = rng.permutation(workers[job_district == d])
        if w.shape[0] == 0:
            continue
        in_d = fixed_district == d
        slots = rng.permutation(np.repeat(fixed_units[in_d], fixed_staff[in_d]))
        n_fixed = min(slots.shape[0], int(MAX_FIXED_JOB_SHARE * w.shape[0]))
        unit[w[:n_fixed]] = slots[:n_fixed]
        rest = w.shape[0] - n_fixed
        if rest == 0:
            continue
        kinds, sizes = _flexible_units(ctx, rest)
        first_id = ctx.units.n + sum(int(k.shape[0]) for k in flex_kind)
        unit[w[n_fixed:]] = first_id + np.repeat(np.arange(kinds.shape[0]), sizes)
        flex_kind.append(kinds)
        flex_size.append(sizes)
        flex_district.append(np.full(kinds.shape[0], d, dtype=np.int64))
    if not flex_kind:
        return
    kinds, sizes, district = (
        np.concatenate(flex_kind),
        np.concatenate(flex_size),
        np.concatenate(flex_district),
    )
    community = ctx.place(district)
    venue = np.full(kinds.shape[0], -1, dtype=np.int64)
    # Factories have their own premises.
    fac = np.flatnonzero(kinds == int(UnitKind.FACTORY))
    venue[fac] = ctx.venues.add(VenueKind.FACTORY, community[fac], sizes[fac])
    # The others share office buildings, packed per street in ~OFFICE_BUILDING_STAFF staff (cleaning and
    # dispatch companies keep theirs only if no client premises exist).
    office = np.flatnonzero(kinds != int(UnitKind.FACTORY))
    street = ctx.communities.street[community[office]].astype(np.int64)
    order = np.lexsort((rng.random(office.shape[0]), street))
    office, street = office[order], street[order]
    before = np.cumsum(sizes[office]) - sizes[office]
    street_start = np.searchsorted(street, street)
    local = (before - before[street_start]) // OFFICE_BUILDING_STAFF
    bkey, building = np.unique(street * 1_000_000 + local, return_inverse=True)
    first_unit = office[np.searchsorted(street * 1_000_000 + local, bkey)]
    staff_in = np.bincount(building, weights=sizes[office], minlength=bkey.shape[0]).astype(np.int64)
    venue[office] = ctx.venues.add(VenueKind.OFFICE_BUILDING, community[first_unit], staff_in)[building]
    flex_ids = ctx.units.add(kinds, community, venue, sizes)
    ctx.venue_unit.append((venue[fac], flex_ids[fac]))  # a factory operates its own premises
    _place_at_clients(ctx, flex_ids, kinds, community, district)


def _venue_operator(ctx: BuildContext) -> I64:
    operator = np.full(ctx.venues.n, -1, dtype=np.int64)
    for venue_ids, unit_ids in ctx.venue_unit:
        operator[venue_ids] = unit_ids
    return operator


def _place_at_clients(ctx: BuildContext, unit_ids: I64, kinds: I64, community: I64, district: I64) -> None:
    """Cleaning and labour-dispatch staff work at client premises in their district (malls, office
    buildings, hospitals; factories): the unit's venue becomes the client's, and client_unit its operator."""
    venue_kind = ctx.venues.column("kind")
    venue_street = ctx.communities.street[ctx.venues.column("community")].astype(np.int64)
    operator = _venue_operator(ctx)
    venue = ctx.units.column("venue")
    client = ctx.units.column("client")
    placed = {
        UnitKind.CLEANING: (VenueKind.MALL, VenueKind.OFFICE_BUILDING, VenueKind.HOSPITAL),
        UnitKind.LABOUR_DISPATCH: (VenueKind.FACTORY,),
    }
    for unit_kind, venue_kinds in placed.items():
        sel = np.flatnonzero(kinds == int(unit_kind))
        candidates = np.flatnonzero(np.isin(venue_kind, [int(k) for k in venue_kinds]))
        if sel.shape[0] == 0 or candidates.shape[0] == 0:
            continue  # keep their own office
        picker = LocalPicker(
            candidates,
            venue_street[candidates],
            np.ones(candidates.shape[0]),
            ctx.street_district,
            ctx.n_districts,
        )
        street = ctx.communities.street[community[sel]].astype(np.int64)
        chosen = picker.pick(street, district[sel], ctx.rng, spread=1.0)
        venue[unit_ids[sel]] = chosen
        client[unit_ids[sel]] = operator[chosen]
    ctx.units.replace("venue", venue)
    ctx.units.replace("client", client)


def _metro(ctx: BuildContext, unit: I64, unit_community: I64) -> tuple[I64, I64, B]:
    """(home station per person, station per unit, commuter flag per person)."""
    rng, people = ctx.rng, ctx.people
    kind = ctx.venues.column("kind")
    stations = np.flatnonzero(kind == int(VenueKind.METRO_STATION))
    n = people.age.shape[0]
    if stations.shape[0] == 0:
        none = np.full(n, -1, dtype=np.int64)
        return none, np.full(unit_community.shape[0], -1, dtype=np.int64), np.zeros(n, dtype=bool)
    st_comm = ctx.venues.column("community")[stations]
    picker = LocalPicker(
        stations,
        ctx.communities.street[st_comm],
        ctx.venues.column("capacity")[stations].astype(np.float64),
        ctx.street_district,
        ctx.n_districts,
    )
    has = np.array([d.has_metro for d in geo.DISTRICTS])
    home = picker.pick(people.street, people.district, rng, city_fallback=False)
    home = np.where(has[people.district], home, -1)
    u_street = ctx.communities.street[unit_community].astype(np.int64)
    u_district = ctx.communities.district[unit_community].astype(np.int64)
    unit_station = np.where(has[u_district], picker.pick(u_street, u_district, rng, city_fallback=False), -1)
    urban = np.array([d.urban_share for d in geo.DISTRICTS])[people.district]
    adult = people.age >= 16
    dest = np.where(unit >= 0, unit_station[np.maximum(unit, 0)], -1)
    commuter = adult & (home >= 0) & (dest >= 0) & (home != dest) & (rng.random(n) < 0.15 + 0.45 * urban)
    return home, unit_station, commuter


def build_workplaces(people: Residents, communities: Communities, streets: Streets, rng: Rng) -> Workplaces:
    ctx = BuildContext(people, communities, streets, rng)
    n = people.age.shape[0]
    unit = np.full(n, -1, dtype=np.int64)
    school_class = np.full(n, -1, dtype=np.int64)
    _public_venues(ctx)
    cols = build_schools(ctx, unit, school_class)
    _jobs(ctx, unit)
    unit_community = ctx.units.column("community")
    home_metro, unit_metro, commuter = _metro(ctx, unit, unit_community)
    venues = ctx.venues.build(communities, rng, _venue_operator(ctx))
    staff = np.bincount(unit[unit >= 0], minlength=ctx.units.n)
    # Students are members of their school unit too; report staff only.
    staff -= np.bincount(unit[school_class >= 0], minlength=ctx.units.n)
    units = ctx.units.build(communities, streets, staff, unit_metro, venues.name, rng)

    def cat(parts: list[I64]) -> I64:
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    classes = Classes(
        unit=cat(cols.unit).astype(np.int32),
        level=cat(cols.level).astype(np.int8),
        grade=cat(cols.grade).astype(np.int8),
        name=np.array(cols.names, dtype=np.str_),
    )
    return Workplaces(
        units=units,
        classes=classes,
        venues=venues,
        unit=unit.astype(np.int32),
        school_class=school_class.astype(np.int32),
        metro_commuter=commuter,
        home_metro=home_metro.astype(np.int32),
    )
