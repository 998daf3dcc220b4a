"""Kinds of venues, units and schools with the numbers that drive generation. Densities and sizes are
plausible orders of magnitude for Beijing (e.g. ~400 metro stations for ~22 M residents, one restaurant per
~300 residents), not measurements; each venue kind has a typical stay, used by daily life."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class VenueKind(IntEnum):
    SUPERMARKET = 0
    CONVENIENCE = 1
    RESTAURANT = 2
    MARKET = 3
    MALL = 4
    OFFICE_BUILDING = 5
    FACTORY = 6
    SCHOOL = 7
    METRO_STATION = 8
    GYM = 9
    CHESS_ROOM = 10
    CINEMA = 11
    KTV = 12
    INTERNET_CAFE = 13
    HOTEL = 14
    CLINIC = 15
    PHARMACY = 16
    HOSPITAL = 17


@dataclass(frozen=True)
class VenueType:
    kind: VenueKind
    slug: str
    zh: str
    en: str
    stay_minutes: int  # typical stay of a visitor
    residents_per_venue: float  # 0: created from units (offices, factories, schools) rather than by density
    size_median: float  # people at once at a typical venue (also the weight of being chosen)
    size_sigma: float  # log-normal spread of sizes
    staff: int  # staff of an operator unit at median size (0: none)
    min_per_district: int
    beta: float  # transmission hazard per co-present hour, relative to the scenario's venue beta


VENUE_TYPES: tuple[VenueType, ...] = (
    VenueType(VenueKind.SUPERMARKET, "supermarket", "超市", "Supermarket", 25, 2_500, 120, 0.7, 30, 1, 0.6),
    VenueType(
        VenueKind.CONVENIENCE, "convenience_store", "便利店", "Convenience store", 5, 1_200, 8, 0.4, 4, 1, 0.6
    ),
    VenueType(VenueKind.RESTAURANT, "restaurant", "餐馆", "Restaurant", 55, 350, 40, 0.8, 10, 1, 1.6),
    VenueType(VenueKind.MARKET, "market", "农贸市场", "Wet market", 35, 12_000, 200, 0.7, 40, 1, 1.0),
    VenueType(VenueKind.MALL, "mall", "商场", "Shopping mall", 100, 40_000, 1_500, 0.8, 150, 0, 0.3),
    VenueType(
        VenueKind.OFFICE_BUILDING,
        "office_building",
        "写字楼",
        "Office building",
        540,
        0,
        800,
        0.8,
        0,
        0,
        0.15,
    ),
    VenueType(VenueKind.FACTORY, "factory", "工厂", "Factory", 600, 0, 100, 0.9, 0, 0, 0.3),
    VenueType(VenueKind.SCHOOL, "school", "学校", "School", 450, 0, 1_000, 0.5, 0, 0, 0.1),
    VenueType(
        VenueKind.METRO_STATION, "metro_station", "地铁站", "Metro station", 12, 55_000, 600, 0.8, 20, 0, 0.8
    ),
    VenueType(VenueKind.GYM, "gym", "健身房", "Gym", 75, 9_000, 50, 0.6, 10, 0, 1.2),
    VenueType(
        VenueKind.CHESS_ROOM,
        "chess_card_room",
        "棋牌室",
        "Chess and card room",
        150,
        6_000,
        20,
        0.5,
        3,
        1,
        1.8,
    ),
    VenueType(VenueKind.CINEMA, "cinema", "电影院", "Cinema", 130, 50_000, 400, 0.6, 20, 0, 0.5),
    VenueType(VenueKind.KTV, "ktv", "KTV", "Karaoke (KTV)", 180, 30_000, 80, 0.6, 15, 0, 2.0),
    VenueType(
        VenueKind.INTERNET_CAFE, "internet_cafe", "网吧", "Internet café", 150, 25_000, 60, 0.6, 5, 0, 1.0
    ),
    VenueType(VenueKind.HOTEL, "hotel", "酒店", "Hotel", 600, 15_000, 150, 0.9, 40, 0, 0.3),
    VenueType(VenueKind.CLINIC, "clinic", "诊所/社区卫生服务站", "Clinic", 35, 6_000, 15, 0.5, 8, 1, 0.8),
    VenueType(VenueKind.PHARMACY, "pharmacy", "药店", "Pharmacy", 8, 3_000, 6, 0.4, 4, 1, 0.5),
    VenueType(VenueKind.HOSPITAL, "hospital", "医院", "Hospital", 120, 60_000, 500, 0.8, 800, 1, 0.3),
)


class UnitKind(IntEnum):
    OFFICE = 0
    FACTORY = 1
    SCHOOL = 2
    HOSPITAL = 3
    CLINIC = 4
    PHARMACY = 5
    PROPERTY = 6
    CLEANING = 7
    HOUSEKEEPING = 8
    LABOUR_DISPATCH = 9
    VENUE_OPERATOR = 10  # shops, restaurants, markets, gyms, hotels ... each run by one small unit
    GOVERNMENT = 11


@dataclass(frozen=True)
class UnitType:
    kind: UnitKind
    slug: str
    zh: str
    en: str
    suffix: str  # appended to a synthetic name
    job_share: float  # share of the jobs that are not tied to a venue (offices, factories, companies ...)
    size_median: float  # staff of a typical unit
    size_sigma: float


UNIT_TYPES: tuple[UnitType, ...] = (
    UnitType(UnitKind.OFFICE, "employer", "企业", "Company", "科技有限公司", 0.55, 12, 1.3),
    UnitType(UnitKind.FACTORY, "factory", "工厂", "Factory", "制造厂", 0.12, 60, 1.0),
    UnitType(UnitKind.SCHOOL, "school", "学校", "School", "学校", 0.0, 0, 0.0),
    UnitType(UnitKind.HOSPITAL, "hospital", "医院", "Hospital", "医院", 0.0, 0, 0.0),
    UnitType(UnitKind.CLINIC, "clinic", "诊所", "Clinic", "社区卫生服务站", 0.0, 0, 0.0),
    UnitType(UnitKind.PHARMACY, "pharmacy", "药店", "Pharmacy", "大药房", 0.0, 0, 0.0),
    UnitType(
        UnitKind.PROPERTY,
        "property_company",
        "物业公司",
        "Property management",
        "物业管理有限公司",
        0.08,
        25,
        0.8,
    ),
    UnitType(
        UnitKind.CLEANING,
        "cleaning_company",
        "保洁公司",
        "Cleaning company",
        "保洁服务有限公司",
        0.05,
        30,
        0.9,
    ),
    UnitType(
        UnitKind.HOUSEKEEPING,
        "housekeeping_company",
        "家政公司",
        "Housekeeping company",
        "家政服务有限公司",
        0.05,
        20,
        0.9,
    ),
    UnitType(
        UnitKind.LABOUR_DISPATCH,
        "labour_dispatch",
        "劳务派遣公司",
        "Labour dispatch company",
        "劳务派遣有限公司",
        0.05,
        40,
        1.0,
    ),
    UnitType(
        UnitKind.VENUE_OPERATOR, "venue_operator", "场所经营单位", "Venue operator", "经营部", 0.0, 0, 0.0
    ),
    UnitType(
        UnitKind.GOVERNMENT,
        "public_institution",
        "机关事业单位",
        "Public institution",
        "服务中心",
        0.10,
        40,
        0.9,
    ),
)


class SchoolLevel(IntEnum):
    KINDERGARTEN = 0
    PRIMARY = 1
    JUNIOR = 2
    SENIOR = 3
    UNIVERSITY = 4


@dataclass(frozen=True)
class SchoolType:
    level: SchoolLevel
    zh: str
    age_min: int
    age_max: int  # inclusive
    enrolment: float  # share of the age group enrolled
    size: int  # students of a typical school
    class_size: int
    stay_minutes: int


SCHOOL_TYPES: tuple[SchoolType, ...] = (
    SchoolType(SchoolLevel.KINDERGARTEN, "幼儿园", 3, 5, 0.9, 250, 25, 540),
    SchoolType(SchoolLevel.PRIMARY, "小学", 6, 11, 1.0, 1_200, 40, 450),
    SchoolType(SchoolLevel.JUNIOR, "中学", 12, 14, 1.0, 900, 45, 480),
    SchoolType(SchoolLevel.SENIOR, "高中", 15, 17, 0.95, 1_000, 45, 540),
    SchoolType(SchoolLevel.UNIVERSITY, "大学", 18, 22, 0.5, 10_000, 30, 360),
)

GRADE_NAMES = ("一", "二", "三", "四", "五", "六")
