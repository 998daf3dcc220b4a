"""Transmission in the synthetic city, day by day, with the ground truth kept as arrays.

Settings: household (every pair, every day), work (a few sampled co-workers present that day), school
(classmates present that day) and venues (co-presence: only visits that overlap in time at the same venue,
found by a semi-join from the few infectious people's visits, `transmission.co_present_pairs_sorted`).
Natural history: log-normal incubation, an asymptomatic share with lower infectiousness, gamma-distributed
individual infectiousness (dispersion k). Detection: symptomatic people seek care at a clinic or hospital (a
scanned visit) or report buying fever medicine at a pharmacy, after a delay; routine screening tests a small
share every day (key groups weekly). A detected case is isolated from the next day on. Other interventions
(quarantining contacts, sealing venues ...) are the platform's job, measured against this truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lianfang.sim import seeding
from lianfang.sim._arrays import F64, I8, I16, I64, AnyArray, B, LocalPicker, Rng, csr, expand_ranges
from lianfang.sim.kinds import VENUE_TYPES, UnitKind, VenueKind
from lianfang.sim.life import Activity, Visits
from lianfang.sim.scenarios import Scenario
from lianfang.sim.tables import City
from lianfang.sim.transmission import (
    NEVER,
    Setting,
    co_present_pairs_sorted,
    draw_infections,
    first_per_infectee,
)
from lianfang.sim.travel import Trips
from lianfang.sim.truth import GroundTruth, Infections, Route

KEY_GROUP_UNITS = (
    UnitKind.HOSPITAL,
    UnitKind.CLINIC,
    UnitKind.PHARMACY,
    UnitKind.VENUE_OPERATOR,
    UnitKind.CLEANING,
    UnitKind.LABOUR_DISPATCH,
)
Exposures = tuple[I64, I64, I64, I64, I64, F64]  # infectee, infector, minute, setting, venue, hazard
CLOSE_CONTACTS = 10.0  # people one can be close to at once in a venue


_EMPTY = np.zeros(0, dtype=np.int64)
_NO_EXPOSURES: Exposures = (_EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, np.zeros(0, dtype=np.float64))


@dataclass(frozen=True)
class _Selected:
    person: I64
    venue: I64
    start: I64
    end: I64


def _gather(visits: list[Visits], masks: list[B]) -> _Selected:
    """The masked rows of all chunks, concatenated in day order."""

    def cat(column: Callable[[Visits], AnyArray]) -> I64:
        parts = [column(v)[mask] for v, mask in zip(visits, masks, strict=True)]
        return np.concatenate(parts).astype(np.int64) if parts else _EMPTY

    return _Selected(
        cat(lambda v: v.person), cat(lambda v: v.venue), cat(lambda v: v.start), cat(lambda v: v.end)
    )


class Outbreak:
    def __init__(self, city: City, scenario: Scenario, rng: Rng) -> None:
        self.city, self.sc, self.rng = city, scenario, rng
        p = city.persons
        n = len(p)
        self.n = n
        self.w: F64 = scenario.generation_interval.weights()
        self.infected_day: I16 = np.full(n, NEVER, dtype=np.int16)
        self.nu: F64 = np.zeros(n, dtype=np.float64)
        self.asym: B = np.zeros(n, dtype=bool)
        self.onset: I16 = np.full(n, NEVER, dtype=np.int16)
        self.detected: I16 = np.full(n, NEVER, dtype=np.int16)
        self.route: I8 = np.zeros(n, dtype=np.int8)
        self.care_day: I16 = np.full(n, NEVER, dtype=np.int16)
        self.care_pharmacy: B = np.zeros(n, dtype=bool)
        self.cases: I64 = np.zeros(0, dtype=np.int64)
        self.events: list[tuple[I64, I64, I64, I64, I64, I64]] = []
        self.visits_total: I64 = np.zeros(n, dtype=np.int64)
        self.visits_scanned: I64 = np.zeros(n, dtype=np.int64)
        # Contact structures.
        hh = p.household.astype(np.int64)
        self.hh_first: I64 = city.households.first_person.astype(np.int64)[hh]
        self.hh_size: I64 = city.households.size.astype(np.int64)[hh]
        self.unit: I64 = p.unit.astype(np.int64)
        self.staff: B = (p.unit >= 0) & (p.school_class < 0)
        staff_unit = np.where(self.staff, self.unit, len(city.units))
        self.unit_order, self.unit_start = csr(staff_unit, len(city.units) + 1)
        cls = np.where(p.school_class >= 0, p.school_class, len(city.classes)).astype(np.int64)
        self.class_order, self.class_start = csr(cls, len(city.classes) + 1)
        self.school_class: I64 = p.school_class.astype(np.int64)
        unit_kind = np.where(self.unit >= 0, city.units.kind[np.maximum(self.unit, 0)], -1)
        self.key_group: B = self.staff & np.isin(unit_kind, [int(k) for k in KEY_GROUP_UNITS])
        self.work_venue: I64 = np.where(self.unit >= 0, city.units.venue[np.maximum(self.unit, 0)], -1)
        # Per close co-present pair and hour: the kind's beta. In venues where more people are present than
        # one can closely meet, only a share of the co-present pairs are close (frequency-dependent mixing:
        # about CLOSE_CONTACTS people at once); that share is sampled, not enumerated.
        self.venue_beta: F64 = np.array([t.beta for t in VENUE_TYPES])[city.venues.kind]
        crowd = np.maximum(city.venues.capacity.astype(np.float64), CLOSE_CONTACTS)
        self.venue_close: F64 = CLOSE_CONTACTS / crowd
        v = city.venues
        street_district = city.streets.district.astype(np.int64)
        self.care_pickers: dict[bool, LocalPicker | None] = {}
        for pharmacy, kinds in (
            (False, (VenueKind.CLINIC, VenueKind.HOSPITAL)),
            (True, (VenueKind.PHARMACY,)),
        ):
            ids = np.flatnonzero(np.isin(v.kind, [int(k) for k in kinds])).astype(np.int64)
            self.care_pickers[pharmacy] = (
                LocalPicker(
                    ids,
                    v.street[ids],
                    v.capacity[ids].astype(np.float64),
                    street_district,
                    len(city.districts),
                )
                if ids.shape[0]
                else None
            )

    # Infection bookkeeping ------------------------------------------------------------------------------

    def infect(self, who: I64, day: I64, minute: I64, infector: I64, setting: I64, venue: I64) -> None:
        """Record new infections (who must be susceptible) and draw their course."""
        m = who.shape[0]
        if m == 0:
            return
        sc, rng = self.sc, self.rng
        self.events.append((who, infector, day, minute, setting, venue))
        self.infected_day[who] = day
        self.cases = np.concatenate([self.cases, who])
        k = sc.dispersion_k
        self.nu[who] = rng.gamma(k, 1.0 / k, m) if k is not None else 1.0
        asym = rng.random(m) < sc.asymptomatic_share
        self.asym[who] = asym
        incubation = np.maximum(
            1, np.rint(rng.lognormal(np.log(sc.incubation_median), sc.incubation_sigma, m))
        )
        onset = day + incubation.astype(np.int64)
        self.onset[who] = np.where(asym, NEVER, onset)
        delay = rng.geometric(1.0 / (1.0 + sc.care_delay_mean), m) - 1
        u = rng.random(m)
        care = ~asym & (u < sc.care_seeking)
        pharmacy = ~asym & ~care & (u < sc.care_seeking + (1 - sc.care_seeking) * sc.pharmacy_report)
        visit = onset + delay
        self.care_day[who] = np.where(care | pharmacy, visit, NEVER)
        self.care_pharmacy[who] = pharmacy
        found = np.where(
            care, visit + sc.result_delay, np.where(pharmacy, visit + 1 + sc.result_delay, NEVER)
        )
        self.detected[who] = np.minimum(found, NEVER)
        self.route[who] = np.where(care, Route.CARE, np.where(pharmacy, Route.PHARMACY, Route.NONE))

    def susceptible(self) -> B:
        return np.asarray(self.infected_day == NEVER, dtype=bool)

    def isolated(self, day: int) -> B:
        return self.detected < day

    # Seeding -------------------------------------------------------------------------------------------

    def seed(self) -> Trips | None:
        """Scenario seeds at day 0 (see `seeding`). Returns the seeded travellers' trips, if any."""
        return seeding.seed(self)

    def on_departures(self, trips: Trips) -> None:
        """Trips to risk cities may bring an infection home (infected the day before returning)."""
        seeding.import_from_trips(self, trips)

    # Daily steps ---------------------------------------------------------------------------------------

    def care_visits(self, day: int, present: B) -> Visits:
        """Scanned clinic / hospital / pharmacy visits of symptomatic people seeking care today."""
        who = np.flatnonzero((self.care_day == day) & present)
        venue = np.full(who.shape[0], -1, dtype=np.int64)
        p = self.city.persons
        for pharmacy in (False, True):
            picker = self.care_pickers[pharmacy]
            sel = self.care_pharmacy[who] == pharmacy
            if picker is not None and sel.any():
                venue[sel] = picker.pick(
                    p.street[who[sel]].astype(np.int64),
                    p.district[who[sel]].astype(np.int64),
                    self.rng,
                    spread=0.5,
                )
        ok = venue >= 0
        who, venue = who[ok], venue[ok]
        m = who.shape[0]
        stay = self.city.venues.stay_minutes[venue].astype(np.int64) + self.rng.integers(0, 30, m)
        return Visits(
            day,
            who.astype(np.int32),
            venue.astype(np.int32),
            self.rng.integers(480, 1020, m).astype(np.int16),
            stay.astype(np.int16),
            np.ones(m, dtype=bool),
            np.full(m, int(Activity.CARE), dtype=np.int8),
        )

    def observe(self, visits: Visits) -> None:
        self.visits_total += np.bincount(visits.person, minlength=self.n)
        self.visits_scanned += np.bincount(visits.person[visits.scanned], minlength=self.n)

    def infectiousness(self, day: int, present: B) -> tuple[I64, F64]:
        """(persons, today's relative infectiousness) of infectious people present in the city."""
        cases = self.cases
        age = day - self.infected_day[cases].astype(np.int64)
        live = (age >= 1) & (age < self.w.shape[0]) & present[cases]
        who, age = cases[live], age[live]
        weight = (
            self.nu[who] * self.w[age] * np.where(self.asym[who], self.sc.asymptomatic_infectiousness, 1.0)
        )
        return who, weight

    def step(self, day: int, visits: list[Visits], present: B) -> int:
        """Transmission on `day` given all of the day's visits; then screening. Returns new infections."""
        who, weight = self.infectiousness(day, present)
        new = 0
        if who.shape[0]:
            susceptible = self.susceptible() & present
            hits = [self._hits(*self._household(who, weight, susceptible))]
            at_work = np.zeros(self.n, dtype=bool)
            at_school = np.zeros(self.n, dtype=bool)
            for v in visits:
                at_work[v.person[v.activity == Activity.WORK]] = True
                at_school[v.person[v.activity == Activity.SCHOOL]] = True
            hits.append(self._hits(*self._work(who, weight, susceptible, at_work)))
            hits.append(self._hits(*self._school(who, weight, susceptible, at_school)))
            hits.append(self._hits(*self._venues(who, weight, susceptible, visits)))
            infectee, infector, minute, setting, venue = (np.concatenate(c) for c in zip(*hits, strict=True))
            if infectee.shape[0]:
                infectee, minute, infector, setting, venue = first_per_infectee(
                    infectee, minute, infector, setting, venue
                )
                self.infect(infectee, np.full(infectee.shape[0], day), minute, infector, setting, venue)
                new = int(infectee.shape[0])
        self._screen(day)
        return new

    def _hits(
        self, infectee: I64, infector: I64, minute: I64, setting: I64, venue: I64, hazard: F64
    ) -> tuple[I64, I64, I64, I64, I64]:
        """Independent draws per exposure; keeps the successful ones (an infectee may appear twice)."""
        hit = draw_infections(self.rng, hazard)
        return infectee[hit], infector[hit], minute[hit], setting[hit], venue[hit]

    def _household(self, who: I64, weight: F64, susceptible: B) -> Exposures:
        src, member = expand_ranges(self.hh_first[who], self.hh_first[who] + self.hh_size[who])
        ok = (member != who[src]) & susceptible[member]
        src, member = src[ok], member[ok]
        m = member.shape[0]
        return (
            member,
            who[src],
            self.rng.integers(1080, 1380, m),
            np.full(m, int(Setting.HOUSEHOLD)),
            np.full(m, -1),
            self.sc.beta_household * weight[src],
        )

    def _work(self, who: I64, weight: F64, susceptible: B, at_work: B) -> Exposures:
        src = np.flatnonzero(self.staff[who] & at_work[who])
        unit = self.unit[who[src]]
        lo, size = self.unit_start[unit], self.unit_start[unit + 1] - self.unit_start[unit]
        c = self.sc.work_contacts
        src = np.repeat(src, c)
        pick = np.repeat(lo, c) + (self.rng.random(src.shape[0]) * np.repeat(size, c)).astype(np.int64)
        member = self.unit_order[pick]
        ok = (member != who[src]) & susceptible[member] & at_work[member]
        src, member = src[ok], member[ok]
        m = member.shape[0]
        return (
            member,
            who[src],
            self.rng.integers(540, 1020, m),
            np.full(m, int(Setting.WORK)),
            np.full(m, -1),
            self.sc.beta_work * weight[src],
        )

    def _school(self, who: I64, weight: F64, susceptible: B, at_school: B) -> Exposures:
        src = np.flatnonzero((self.school_class[who] >= 0) & at_school[who])
        cls = self.school_class[who[src]]
        owner, pos = expand_ranges(self.class_start[cls], self.class_start[cls + 1])
        src, member = src[owner], self.class_order[pos]
        ok = (member != who[src]) & susceptible[member] & at_school[member]
        src, member = src[ok], member[ok]
        m = member.shape[0]
        return (
            member,
            who[src],
            self.rng.integers(480, 960, m),
            np.full(m, int(Setting.SCHOOL)),
            np.full(m, -1),
            self.sc.beta_school * weight[src],
        )

    def _venues(self, who: I64, weight: F64, susceptible: B, visits: list[Visits]) -> Exposures:
        """Venue exposures: the infectious people's visits (index) semi-joined with the susceptible visits
        at the same venues. Only visits at those venues are gathered, across all chunks of the day (so the
        result does not depend on the chunk size); crowded venues are thinned to close contacts."""
        w_of = np.zeros(self.n, dtype=np.float64)
        w_of[who] = weight
        index = _gather(visits, [w_of[v.person] > 0 for v in visits])
        if index.person.shape[0] == 0:
            return _NO_EXPOSURES
        hot = np.zeros(len(self.city.venues), dtype=bool)
        hot[index.venue] = True
        cand = _gather(visits, [hot[v.venue] & susceptible[v.person] for v in visits])
        pairs = co_present_pairs_sorted(
            index.venue, index.start, index.end, cand.venue, cand.start, cand.end,
            keep=self.venue_close[index.venue], rng=self.rng,
        )  # fmt: skip
        infector, infectee = index.person[pairs.index], cand.person[pairs.other]
        at = cand.venue[pairs.other]
        # Co-workers at their own workplace are the work setting's business.
        same_work = (self.unit[infector] == self.unit[infectee]) & (self.work_venue[infectee] == at)
        ok = (infector != infectee) & ~same_work
        later = np.maximum(index.start[pairs.index], cand.start[pairs.other])[ok]
        overlap = pairs.overlap[ok]
        minute = later + (self.rng.random(int(later.shape[0])) * overlap).astype(np.int64)
        hazard = self.sc.beta_venue * self.venue_beta[at[ok]] * overlap / 60.0 * w_of[infector[ok]]
        m = int(ok.sum())
        return infectee[ok], infector[ok], minute, np.full(m, int(Setting.VENUE)), at[ok], hazard

    def _screen(self, day: int) -> None:
        """Routine screening of infected, undetected people (tests of others do not change the truth)."""
        sc, rng = self.sc, self.rng
        cases = self.cases[self.detected[self.cases] > day + sc.result_delay]
        if cases.shape[0] == 0:
            return
        rate = np.where(self.key_group[cases], sc.key_group_screening_rate, sc.screening_rate)
        age = day - self.infected_day[cases].astype(np.int64)
        positive = (age >= 2) & (age <= 21) & (rng.random(cases.shape[0]) < rate * sc.sensitivity)
        found = cases[positive]
        self.detected[found] = day + sc.result_delay
        self.route[found] = Route.SCREENING

    def truth(self, last_day: int) -> GroundTruth:
        events = list(zip(*self.events, strict=True)) if self.events else [[np.zeros(0, np.int64)]] * 6
        infectee, infector, day, minute, setting, venue = (np.concatenate(e) for e in events)
        order = np.lexsort((minute, day))
        detected = np.where(self.detected <= last_day, self.detected, NEVER).astype(np.int16)
        return GroundTruth(
            infections=Infections(
                infectee[order].astype(np.int32),
                infector[order].astype(np.int32),
                day[order].astype(np.int16),
                minute[order].astype(np.int16),
                setting[order].astype(np.int8),
                venue[order].astype(np.int32),
            ),
            infected_day=self.infected_day.copy(),
            onset_day=np.where(self.onset <= last_day, self.onset, NEVER).astype(np.int16),
            detected_day=detected,
            detection_route=np.where(detected != NEVER, self.route, Route.NONE).astype(np.int8),
            asymptomatic=self.asym & (self.infected_day != NEVER),
            visits_total=self.visits_total.astype(np.int32),
            visits_scanned=self.visits_scanned.astype(np.int32),
        )
