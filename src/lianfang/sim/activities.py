"""Activities of daily life and their per-class daily rates (the calibration table of `life`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from lianfang.sim.kinds import UnitKind, VenueKind

ERRAND_RATE_SCALE = 1.5  # calibrates visits per person per day to ≈ 2.5


class Activity(IntEnum):
    WORK = 0
    SCHOOL = 1
    METRO = 2
    GROCERY = 3
    CONVENIENCE = 4
    MARKET = 5
    LUNCH = 6
    DINNER = 7
    MALL = 8
    GYM = 9
    CHESS = 10
    CINEMA = 11
    KTV = 12
    INTERNET_CAFE = 13
    HOTEL = 14
    CLINIC = 15
    PHARMACY = 16
    HOSPITAL = 17
    CARE = 18  # a symptomatic person seeking care (added by the outbreak model)


class PersonClass(IntEnum):
    INFANT = 0
    CHILD = 1
    UNIVERSITY = 2
    WORKER = 3
    ADULT = 4
    ELDER = 5


@dataclass(frozen=True)
class Errand:
    activity: Activity
    venue: VenueKind
    near_work: bool  # anchored at the workplace street when the person works that day
    spread: float  # share of picks made district-wide
    weekday: tuple[float, float, float, float, float, float]  # daily probability per PersonClass
    weekend_factor: float
    start_mean: int  # minute of day (for people not working that day)
    start_sd: int


ERRANDS: tuple[Errand, ...] = (
    Errand(
        Activity.GROCERY,
        VenueKind.SUPERMARKET,
        False,
        0.2,
        (0.05, 0.05, 0.15, 0.22, 0.35, 0.35),
        1.3,
        840,
        200,
    ),
    Errand(
        Activity.CONVENIENCE,
        VenueKind.CONVENIENCE,
        True,
        0.1,
        (0.0, 0.15, 0.40, 0.35, 0.20, 0.10),
        1.0,
        780,
        240,
    ),
    Errand(Activity.MARKET, VenueKind.MARKET, False, 0.1, (0.02, 0.02, 0.02, 0.06, 0.25, 0.40), 1.2, 540, 90),
    Errand(
        Activity.LUNCH, VenueKind.RESTAURANT, True, 0.2, (0.0, 0.02, 0.35, 0.40, 0.10, 0.08), 0.8, 720, 25
    ),
    Errand(
        Activity.DINNER, VenueKind.RESTAURANT, False, 0.3, (0.05, 0.10, 0.15, 0.15, 0.12, 0.08), 2.0, 1120, 40
    ),
    Errand(Activity.MALL, VenueKind.MALL, False, 1.0, (0.02, 0.04, 0.08, 0.05, 0.08, 0.04), 3.0, 900, 150),
    Errand(Activity.GYM, VenueKind.GYM, False, 0.3, (0.0, 0.02, 0.10, 0.08, 0.06, 0.02), 1.2, 1140, 90),
    Errand(
        Activity.CHESS, VenueKind.CHESS_ROOM, False, 0.1, (0.0, 0.0, 0.01, 0.02, 0.05, 0.18), 1.2, 840, 90
    ),
    Errand(
        Activity.CINEMA, VenueKind.CINEMA, False, 1.0, (0.0, 0.01, 0.03, 0.01, 0.01, 0.005), 3.0, 1140, 120
    ),
    Errand(Activity.KTV, VenueKind.KTV, False, 1.0, (0.0, 0.0, 0.03, 0.015, 0.01, 0.005), 2.0, 1230, 60),
    Errand(
        Activity.INTERNET_CAFE,
        VenueKind.INTERNET_CAFE,
        False,
        0.5,
        (0.0, 0.01, 0.05, 0.01, 0.02, 0.0),
        1.5,
        1140,
        180,
    ),
    Errand(
        Activity.HOTEL, VenueKind.HOTEL, False, 1.0, (0.0, 0.0, 0.002, 0.003, 0.001, 0.001), 1.5, 1200, 60
    ),
    Errand(
        Activity.CLINIC, VenueKind.CLINIC, False, 0.1, (0.03, 0.02, 0.01, 0.015, 0.02, 0.05), 0.5, 600, 120
    ),
    Errand(
        Activity.PHARMACY, VenueKind.PHARMACY, False, 0.1, (0.01, 0.01, 0.02, 0.03, 0.04, 0.06), 1.0, 840, 200
    ),
    Errand(
        Activity.HOSPITAL,
        VenueKind.HOSPITAL,
        False,
        1.0,
        (0.01, 0.005, 0.005, 0.008, 0.01, 0.03),
        0.3,
        570,
        90,
    ),
)
# Units whose staff also work at weekends (shops, restaurants, hospitals ...).
SEVEN_DAY_UNITS = (
    UnitKind.VENUE_OPERATOR,
    UnitKind.HOSPITAL,
    UnitKind.CLINIC,
    UnitKind.PHARMACY,
    UnitKind.CLEANING,
    UnitKind.PROPERTY,
    UnitKind.HOUSEKEEPING,
)
