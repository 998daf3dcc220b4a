"""A run's days as rows: scans (扫码登记) of scanned visits, and the ground truth — unscanned visits, trips
out of the city, infections and each person's course — as column arrays (`bulk.Col`).

Simulation day d is the local date `start_date + d` (the platform's time zone, Asia/Shanghai by default);
a visit starting at minute m of day d was scanned at local midnight + m, stored in UTC. A simulated scan
carries its true stay (`stay_until`), as if the visitor had scanned out (`checked_out`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lianfang.sim._arrays import I64
from lianfang.sim.bulk import Col
from lianfang.sim.life import Visits
from lianfang.sim.registry_rows import IdMap
from lianfang.sim.transmission import NEVER, Setting
from lianfang.sim.travel import HOME_CITY, Trips
from lianfang.sim.truth import GroundTruth, Route

DT = npt.NDArray[np.datetime64]
ROUTES = {Route.CARE: "care", Route.PHARMACY: "pharmacy", Route.SCREENING: "screening"}


@dataclass
class Calendar:
    """Simulation days to local dates and UTC instants."""

    start_date: date
    timezone: str
    _midnight: dict[int, np.datetime64] = field(default_factory=dict)

    def date_of(self, day: npt.NDArray[np.integer] | int) -> DT:
        return np.datetime64(self.start_date, "D") + np.asarray(day, dtype=np.int64)

    def midnight(self, day: int) -> np.datetime64:
        """UTC instant of local midnight starting simulation day `day`."""
        if day not in self._midnight:
            local = datetime.combine(self.start_date + timedelta(days=day), datetime.min.time())
            offset = ZoneInfo(self.timezone).utcoffset(local)
            assert offset is not None
            minutes = int(offset.total_seconds()) // 60
            base = np.datetime64(self.start_date + timedelta(days=day), "us")
            self._midnight[day] = base - np.timedelta64(minutes, "m")
        return self._midnight[day]

    def instants(self, day: npt.NDArray[np.integer], minute: npt.NDArray[np.integer]) -> DT:
        days = np.asarray(day, dtype=np.int64)
        out = np.empty(days.shape[0], dtype="datetime64[us]")
        for d in np.unique(days).tolist():
            sel = days == d
            out[sel] = self.midnight(int(d)) + np.asarray(minute, dtype=np.int64)[sel].astype(
                "timedelta64[m]"
            )
        return out

    def created_at(self) -> np.datetime64:
        """When the registry rows of a run were 'created': the day before it starts."""
        return self.midnight(-1)


def scan_cols(visits: Visits, ids: IdMap, cal: Calendar, first_id: int) -> list[Col]:
    sel = np.flatnonzero(visits.scanned)
    m = sel.shape[0]
    start = visits.start[sel].astype(np.int64)
    at = cal.midnight(visits.day) + start.astype("timedelta64[m]")
    until = at + visits.stay[sel].astype(np.int64).astype("timedelta64[m]")
    return [
        Col("id", "int8", np.arange(first_id, first_id + m, dtype=np.int64)),
        Col("scan_date", "date", cal.date_of(visits.day + start // 1440)),
        Col("venue_id", "int4", ids.venues(visits.venue[sel])),
        Col("person_id", "int4", ids.persons(visits.person[sel])),
        Col("scanned_at", "ts", at),
        Col("stay_until", "ts", until),
        Col("checked_out", "bool", np.ones(m, dtype=bool)),
        Col("source", "text", np.full(m, "sim")),
        Col("created_at", "ts", at),
    ]


def unscanned_cols(visits: Visits, ids: IdMap, run_id: int, first_id: int) -> list[Col]:
    sel = np.flatnonzero(~visits.scanned)
    m = sel.shape[0]
    return [
        Col("id", "int8", np.arange(first_id, first_id + m, dtype=np.int64)),
        Col("run_id", "int4", np.full(m, run_id, dtype=np.int64)),
        Col("person_id", "int4", ids.persons(visits.person[sel])),
        Col("venue_id", "int4", ids.venues(visits.venue[sel])),
        Col("day", "int2", np.full(m, visits.day, dtype=np.int64)),
        Col("start_minute", "int2", visits.start[sel]),
        Col("stay_minutes", "int2", visits.stay[sel]),
    ]


def travel_cols(trips: Trips, ids: IdMap, cal: Calendar, run_id: int, first_id: int) -> list[Col]:
    m = len(trips)
    return [
        Col("id", "int4", np.arange(first_id, first_id + m, dtype=np.int64)),
        Col("run_id", "int4", np.full(m, run_id, dtype=np.int64)),
        Col("person_id", "int4", ids.persons(trips.person)),
        Col("origin", "text", np.full(m, HOME_CITY)),
        Col("destination", "text", trips.destination),
        Col("destination_name", "text", trips.destination_name),
        Col("depart_date", "date", cal.date_of(trips.depart_day)),
        Col("return_date", "date", cal.date_of(trips.return_day)),
    ]


def infection_cols(truth: GroundTruth, ids: IdMap, cal: Calendar, run_id: int, first_id: int) -> list[Col]:
    inf = truth.infections
    m = len(inf)
    names = np.array([s.name.lower() for s in Setting], dtype=np.str_)
    return [
        Col("id", "int8", np.arange(first_id, first_id + m, dtype=np.int64)),
        Col("run_id", "int4", np.full(m, run_id, dtype=np.int64)),
        Col("infectee_id", "int4", ids.persons(inf.infectee)),
        Col("infector_id", "int4", ids.persons(np.maximum(inf.infector, 0)), null=inf.infector < 0),
        Col("day", "int2", inf.day),
        Col("infected_at", "ts", cal.instants(inf.day, inf.minute)),
        Col("setting", "text", names[inf.setting]),
        Col("venue_id", "int4", ids.venues(np.maximum(inf.venue, 0)), null=inf.venue < 0),
    ]


def _day(values: npt.NDArray[np.int16]) -> tuple[I64, npt.NDArray[np.bool_]]:
    return values.astype(np.int64), values == NEVER


def people_truth_cols(truth: GroundTruth, ids: IdMap, run_id: int, lo: int, hi: int) -> list[Col]:
    m = hi - lo
    infected, infected_null = _day(truth.infected_day[lo:hi])
    onset, onset_null = _day(truth.onset_day[lo:hi])
    detected, detected_null = _day(truth.detected_day[lo:hi])
    route = truth.detection_route[lo:hi].astype(np.int64)
    route_names = np.array([ROUTES.get(r, "") for r in range(max(ROUTES) + 1)])
    return [
        Col("run_id", "int4", np.full(m, run_id, dtype=np.int64)),
        Col("person_id", "int4", ids.persons(np.arange(lo, hi))),
        Col("infected_day", "int2", infected, null=infected_null),
        Col("onset_day", "int2", onset, null=onset_null),
        Col("detected_day", "int2", detected, null=detected_null),
        Col("detection_route", "text", route_names[route], null=route == Route.NONE),
        Col("asymptomatic", "bool", truth.asymptomatic[lo:hi]),
        Col("visits_total", "int4", truth.visits_total[lo:hi]),
        Col("visits_scanned", "int4", truth.visits_scanned[lo:hi]),
        Col("never_scanned", "bool", truth.never_scanned[lo:hi]),
    ]
