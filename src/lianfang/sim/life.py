"""Daily life: who visits which venue when, for one day, as chunks of column arrays.

Every person belongs to a class (infant, child, university student, worker, other adult, elder). Workers
and students go to their unit's venue on working days (metro commuters pass a station near home and one near
work); everybody else does errands by per-class daily rates: supermarket, convenience store, wet market,
lunch near work, dinner near home, mall, gym, chess and card room, cinema, KTV, internet café, hotel, clinic,
pharmacy, hospital. Errands pick a venue in the person's street (else district, else anywhere), weighted by
venue size, so neighbours meet. Someone who works that day does errands after work.

Scanning: a share of people never scan (≈ 30 % of the non-compliance), the rest scan each visit with a
probability chosen so that the overall share of scanned visits equals `compliance`.

Persons are processed in fixed blocks with their own random streams, so the visits do not depend on the
chunk size; chunks hold at most `chunk` rows, and only one block is generated at a time."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lianfang.sim._arrays import F32, F64, I8, I16, I32, I64, B, LocalPicker, Rng
from lianfang.sim.activities import ERRAND_RATE_SCALE, ERRANDS, SEVEN_DAY_UNITS, Activity, PersonClass
from lianfang.sim.kinds import SCHOOL_TYPES, VenueKind
from lianfang.sim.tables import City

BLOCK = 65_536  # persons per generation block (fixed: results do not depend on the chunk size)
DEFAULT_COMPLIANCE = 0.85
NEVER_SCAN_SHARE_OF_NONCOMPLIANCE = 0.3


@dataclass(frozen=True, eq=False)
class Visits:
    """One chunk of one day's visits (a check-in if `scanned`). Times are minutes after 00:00 of `day`."""

    day: int
    person: I32
    venue: I32
    start: I16
    stay: I16
    scanned: B
    activity: I8

    def __len__(self) -> int:
        return int(self.person.shape[0])

    @property
    def end(self) -> I32:
        return (self.start.astype(np.int32) + self.stay).astype(np.int32)


def concat_visits(day: int, parts: list[Visits]) -> Visits:
    if not parts:
        empty = np.zeros(0, dtype=np.int32)
        return Visits(
            day,
            empty,
            empty.copy(),
            empty.astype(np.int16),
            empty.astype(np.int16),
            empty.astype(bool),
            empty.astype(np.int8),
        )
    return Visits(
        day,
        np.concatenate([p.person for p in parts]),
        np.concatenate([p.venue for p in parts]),
        np.concatenate([p.start for p in parts]),
        np.concatenate([p.stay for p in parts]),
        np.concatenate([p.scanned for p in parts]),
        np.concatenate([p.activity for p in parts]),
    )


def _cat(parts: list[I64]) -> I64:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


class _Rows:
    """Accumulates visit columns; drops rows without a venue and clips times to the day."""

    def __init__(self) -> None:
        self.person: list[I64] = []
        self.venue: list[I64] = []
        self.start: list[I64] = []
        self.stay: list[I64] = []
        self.activity: list[I64] = []

    def add(self, who: I64, venue: I64, start: I64, stay: I64, act: Activity | I64) -> None:
        ok = venue >= 0
        self.person.append(who[ok])
        self.venue.append(venue[ok])
        self.start.append(np.clip(start[ok], 0, 1439))
        self.stay.append(np.clip(stay[ok], 1, 1000))
        acts = np.full(who.shape[0], int(act), dtype=np.int64) if isinstance(act, Activity) else act
        self.activity.append(acts[ok])


class Life:
    """Per-city indexes for daily life (built once, reused every day)."""

    def __init__(self, city: City) -> None:
        self.city = city
        p, u, v = city.persons, city.units, city.venues
        n = len(p)
        unit = p.unit.astype(np.int64)
        has_unit = unit >= 0
        student = p.school_class >= 0
        unit_kind = np.where(has_unit, u.kind[np.maximum(unit, 0)], -1)
        self.worker: B = has_unit & ~student
        self.student: B = student
        university = student & (p.age >= SCHOOL_TYPES[-1].age_min)
        self.person_class: I64 = np.select(
            [p.age < 3, university, student | (p.age < 18), self.worker, p.age < 60],
            [
                PersonClass.INFANT,
                PersonClass.UNIVERSITY,
                PersonClass.CHILD,
                PersonClass.WORKER,
                PersonClass.ADULT,
            ],
            PersonClass.ELDER,
        ).astype(np.int64)
        self.work_venue: I64 = np.where(has_unit, u.venue[np.maximum(unit, 0)], -1).astype(np.int64)
        self.work_street: I64 = np.where(
            self.work_venue >= 0, v.street[np.maximum(self.work_venue, 0)], p.street
        )
        self.work_district: I64 = np.where(
            self.work_venue >= 0, v.district[np.maximum(self.work_venue, 0)], p.district
        ).astype(np.int64)
        self.seven_day: B = np.isin(unit_kind, [int(k) for k in SEVEN_DAY_UNITS])
        self.work_metro: I64 = np.where(has_unit, u.metro[np.maximum(unit, 0)], -1).astype(np.int64)
        self.street: I64 = p.street.astype(np.int64)
        self.district: I64 = p.district.astype(np.int64)
        self.pickers: dict[VenueKind, LocalPicker] = {}
        street_district = city.streets.district.astype(np.int64)
        for kind in {e.venue for e in ERRANDS}:
            ids = np.flatnonzero(v.kind == int(kind)).astype(np.int64)
            if ids.shape[0]:
                self.pickers[kind] = LocalPicker(
                    ids,
                    v.street[ids],
                    v.capacity[ids].astype(np.float64),
                    street_district,
                    len(city.districts),
                )
        self.venue_stay: I64 = v.stay_minutes.astype(np.int64)
        self.n = n

    def is_weekend(self, day: int) -> bool:
        """Day 0 is the city's reference date."""
        return (self.city.reference_date.weekday() + day) % 7 >= 5

    def block(self, lo: int, hi: int, day: int, rng: Rng, compliance: float, absent: B | None) -> Visits:
        """All visits of persons lo..hi-1 on `day`."""
        persons = np.arange(lo, hi, dtype=np.int64)
        if absent is not None:
            persons = persons[~absent[lo:hi]]
        weekend = self.is_weekend(day)
        out = _Rows()
        work_end = self._work(persons, weekend, rng, out)
        self._errands(persons, work_end, weekend, rng, out)
        person = np.concatenate(out.person) if out.person else np.zeros(0, dtype=np.int64)
        return Visits(
            day=day,
            person=person.astype(np.int32),
            venue=_cat(out.venue).astype(np.int32),
            start=_cat(out.start).astype(np.int16),
            stay=_cat(out.stay).astype(np.int16),
            scanned=scanning(self.city.persons.scan_habit[person], compliance, rng),
            activity=_cat(out.activity).astype(np.int8),
        )

    def _work(self, persons: I64, weekend: bool, rng: Rng, out: _Rows) -> I64:
        """Work and school visits (plus the metro legs of commuters); returns each person's end of work
        (minute) or -1 when not at work or school today."""
        m = persons.shape[0]
        cls = self.person_class[persons]
        worker = self.worker[persons] & (self.work_venue[persons] >= 0)
        seven_day = self.seven_day[persons]
        p_work = np.where(seven_day, 0.75, 0.10) if weekend else np.where(seven_day, 0.85, 0.95)
        p_school = np.where(cls == PersonClass.UNIVERSITY, 0.1, 0.0) if weekend else np.full(m, 0.97)
        goes = (worker & (rng.random(m) < p_work)) | (self.student[persons] & (rng.random(m) < p_school))
        idx = np.flatnonzero(goes)
        who = persons[idx]
        venue = self.work_venue[who]
        start = np.rint(rng.normal(np.where(self.seven_day[who], 570, 525), 35)).astype(np.int64)
        stay = np.rint(self.venue_stay[venue] * rng.lognormal(0.0, 0.1, idx.shape[0])).astype(np.int64)
        acts = np.where(self.student[who], int(Activity.SCHOOL), int(Activity.WORK)).astype(np.int64)
        out.add(who, venue, start, stay, acts)
        work_end = np.full(m, -1, dtype=np.int64)
        work_end[idx] = start + stay
        # Metro commuters: a station near home on the way in, one near work on the way back.
        on_metro = self.city.persons.metro_commuter[who]
        if on_metro.any():
            c_who, k = who[on_metro], int(on_metro.sum())
            home = self.city.persons.home_metro[c_who].astype(np.int64)
            out.add(
                c_who, home, start[on_metro] - rng.integers(20, 60, k), rng.integers(5, 16, k), Activity.METRO
            )
            back = work_end[idx[on_metro]] + rng.integers(0, 10, k)
            out.add(c_who, self.work_metro[c_who], back, rng.integers(5, 16, k), Activity.METRO)
        return work_end

    def _errands(self, persons: I64, work_end: I64, weekend: bool, rng: Rng, out: _Rows) -> None:
        m = persons.shape[0]
        cls = self.person_class[persons]
        for errand in ERRANDS:
            picker = self.pickers.get(errand.venue)
            if picker is None:
                continue
            factor = (errand.weekend_factor if weekend else 1.0) * ERRAND_RATE_SCALE
            if errand.activity == Activity.LUNCH and weekend:
                factor *= 0.5
            sel = np.flatnonzero(rng.random(m) < np.array(errand.weekday)[cls] * factor)
            if sel.shape[0] == 0:
                continue
            who = persons[sel]
            busy = work_end[sel] >= 0
            street, district = self.street[who], self.district[who]
            if errand.near_work:
                street = np.where(busy, self.work_street[who], street)
                district = np.where(busy, self.work_district[who], district)
            venue = picker.pick(street, district, rng, spread=errand.spread)
            start = np.rint(rng.normal(errand.start_mean, errand.start_sd, sel.shape[0])).astype(np.int64)
            if errand.activity != Activity.LUNCH:  # after work for those who worked today
                after_work = work_end[sel] + rng.integers(0, 150, sel.shape[0])
                start = np.where(busy, after_work, np.clip(start, 360, 1380))
            stay = np.rint(self.venue_stay[venue] * rng.lognormal(0.0, 0.35, sel.shape[0])).astype(np.int64)
            out.add(who, venue, start, stay, errand.activity)

    def iter_visits(
        self,
        day: int,
        rng: Rng,
        chunk: int = 1_000_000,
        compliance: float = DEFAULT_COMPLIANCE,
        absent: B | None = None,
    ) -> Iterator[Visits]:
        if chunk < 1:
            msg = "chunk must be positive"
            raise ValueError(msg)
        base = int(rng.integers(0, 2**62))
        pending: list[Visits] = []
        size = 0
        for b, lo in enumerate(range(0, self.n, BLOCK)):
            block = self.block(
                lo, min(self.n, lo + BLOCK), day, np.random.default_rng([base, b]), compliance, absent
            )
            pending.append(block)
            size += len(block)
            while size >= chunk:
                merged = concat_visits(day, pending)
                yield _slice(merged, 0, chunk)
                rest = _slice(merged, chunk, len(merged))
                pending, size = [rest], len(rest)
        if size:
            yield concat_visits(day, pending)


def _slice(v: Visits, lo: int, hi: int) -> Visits:
    return Visits(
        v.day,
        v.person[lo:hi],
        v.venue[lo:hi],
        v.start[lo:hi],
        v.stay[lo:hi],
        v.scanned[lo:hi],
        v.activity[lo:hi],
    )


def scanning(habit: F64 | F32, compliance: float, rng: Rng) -> B:
    """Per visit: never-scanners (habit below their share) never scan; the rest scan with a probability
    that makes the expected share of scanned visits equal to `compliance`."""
    never = NEVER_SCAN_SHARE_OF_NONCOMPLIANCE * (1.0 - compliance)
    p = min(1.0, compliance / (1.0 - never)) if never < 1.0 else 0.0
    return (habit >= never) & (rng.random(habit.shape[0]) < p)


_LIVES: weakref.WeakKeyDictionary[City, Life] = weakref.WeakKeyDictionary()


def life_of(city: City) -> Life:
    life = _LIVES.get(city)
    if life is None:
        life = Life(city)
        _LIVES[city] = life
    return life


def iter_visits(
    city: City,
    day: int,
    rng: Rng,
    chunk: int = 1_000_000,
    compliance: float = DEFAULT_COMPLIANCE,
    absent: B | None = None,
) -> Iterator[Visits]:
    """Visits of `day` in chunks of at most `chunk` rows. `absent` persons (travelling, isolated) stay out."""
    return life_of(city).iter_visits(day, rng, chunk, compliance, absent)


__all__ = ["Activity", "Life", "PersonClass", "Visits", "concat_visits", "iter_visits", "life_of", "scanning"]
