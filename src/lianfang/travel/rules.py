"""Entry-management policy (进京管理): place codes, risk areas, the 14-day travel window of pop-up ①, and
the observation plans of returnees and inbound arrivals (pop-up ②). Pure: every function is handed the
day it decides for; nothing here reads the clock or touches the database.

Sources (../shared/domain/RULES.md):
- §4.3 pop-up ①: 14天内曾到访有一例及以上本土感染者的县（市、区、旗）; in the city it is cleared only by
  reporting to the community (自行核酸检测不能自动解除); otherwise after 14 days without such travel, or
  when the area is lifted. Pop-up ②: 入境隔离期间（未满21天）, cleared automatically the next day
  (1日入境 → 23日凌晨解除).
- §2 returnees: 2020-02-14 所有返京人员到京后均应居家或集中观察14天 (and report to unit and community
  before returning); 2020-04-18 津冀连续驻留满14天 exempt; 9th ed. 2022-06-28 high 7 days centralised,
  medium 7 days at home, low 三天两检; 二十条 2022-11-11 high 7 days at home, tests days 1,3,5,7.
- §2 inbound: Beijing 14+7+7 (2021-01-22); 9th ed. 7+3; 二十条 5+3 (not verified in stored sources).
- §3 risk areas and their lifting rules (2020 county classes, 封控/管控/防范, 9th-ed. high/medium/low,
  二十条 high/low, Beijing 2022-05 "10+4").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from lianfang.core.errors import Problem

T = TypeVar("T")
EDITION = "RULES-2022-11"  # the rule catalogue these tables were taken from

# ---- Place codes (GB/T 2260: 2 digits province, 2 prefecture, 2 county) ----------------------------
# First two digits of the provincial-level divisions, from the structure of GB/T 2260 itself.
PROVINCE_PREFIXES = frozenset(
    str(n)
    for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66))
) | {"71", "81", "82"}
_SIX = re.compile(r"^\d{6}$")
_TWELVE = re.compile(r"^\d{6}0{6}$")


def normalise_code(raw: str) -> str:
    """A 6-digit code; the 12-digit statistical form (6 digits + 000000) is cut to its first six."""
    raw = raw.strip()
    return raw[:6] if _TWELVE.match(raw) else raw


def code_level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def structural_parents(code: str) -> list[str]:
    """The codes that may be a division's parent, nearest first."""
    level = code_level(code)
    if level == "province":
        return []
    if level == "prefecture":
        return [code[:2] + "0000"]
    return [code[:4] + "00", code[:2] + "0000"]


def code_problem(code: str, row: int | None = None, field: str = "code") -> Problem | None:
    if not _SIX.match(code):
        return Problem(field, f"区划代码“{code}”应为6位数字", f"place code {code!r} must be 6 digits", row)
    if code[:2] not in PROVINCE_PREFIXES:
        return Problem(
            field, f"区划代码“{code}”的省级代码无效", f"place code {code!r} has no valid province part", row
        )
    if code[2:4] == "00" and code[4:] != "00":
        return Problem(
            field, f"区划代码“{code}”的结构无效", f"place code {code!r} is not a valid GB/T 2260 code", row
        )
    return None


def parent_problem(code: str, parent: str, row: int | None = None) -> Problem | None:
    if parent == "" and code_level(code) == "province":
        return None
    if parent not in structural_parents(code):
        return Problem(
            "parent",
            f"上级代码“{parent}”与区划代码“{code}”的结构不符",
            f"parent {parent!r} does not match the structure of {code!r}",
            row,
        )
    return None


def province_of(code: str) -> str:
    return code[:2] + "0000"


# ---- Risk areas -----------------------------------------------------------------------------------
LEVELS: dict[str, tuple[str, str]] = {
    "county": ("有本土感染者的县（市、区）", "County with local infections"),
    "high": ("高风险区", "High-risk area"),
    "medium": ("中风险区", "Medium-risk area"),
    "low": ("低风险区", "Low-risk area"),
    "sealed": ("封控区", "Sealed area"),
    "controlled": ("管控区", "Controlled area"),
    "prevention": ("防范区", "Prevention area"),
    "border": ("陆路边境口岸所在县", "County with a land border port"),  # §4.3 ⑤
}
# The level a returnee rule set reads (9th ed. and 二十条 speak of high/medium/low).
RISK_CLASS = {
    "high": "high",
    "sealed": "high",
    "medium": "medium",
    "controlled": "medium",
    "low": "low",
    "prevention": "low",
    "county": "low",
    "border": "low",
}


@dataclass(frozen=True)
class LiftRule:
    code: str
    zh: str
    en: str
    quiet_days: int  # consecutive days without a new case before the area may be lifted
    cite: str


LIFT_RULES: dict[str, LiftRule] = {
    r.code: r
    for r in (
        LiftRule(
            "no_new_14d",
            "连续14天无新增本土感染者",
            "14 days in a row without a new local case",
            14,
            "§3.1, §4.3",
        ),
        LiftRule(
            "sealed_14_14_2",
            "近14天无新增；最后一名密接末次暴露超14天且阴性；解封前2天全员核酸阴性",
            "14 days without a case; last contact exposed over 14 days ago and negative; "
            "everyone negative in the 2 days before",
            14,
            "§3.2",
        ),
        LiftRule(
            "high_7_then_3",
            "连续7天无新增且第7天全员筛查阴性降为中风险区，再3天无新增降为低风险区",
            "7 days without a case and everyone negative on day 7 → medium; 3 more days → low",
            7,
            "§3.3",
        ),
        LiftRule(
            "medium_7",
            "连续7天无新增且第7天全员筛查阴性降为低风险区",
            "7 days without a case and everyone negative on day 7 → low",
            7,
            "§3.3",
        ),
        LiftRule(
            "high_5", "连续5天无新增且第5天全员筛查阴性降为低风险区", "5 days without a case → low", 5, "§3.3"
        ),
        LiftRule(
            "beijing_10_4",
            "封控、管控10天，解封后4天健康监测",
            "10 days sealed, then 4 days monitoring",
            10,
            "§3.2",
        ),
    )
}


def earliest_lift_on(rule_code: str, last_case_on: date | None) -> date | None:
    """The first day the lifting rule can be met, counting from the last local case; None if unknown."""
    rule = LIFT_RULES.get(rule_code)
    if rule is None or last_case_on is None:
        return None
    return last_case_on + timedelta(days=rule.quiet_days + 1)


def risk_area_problems(
    level: str, lift_rule: str, starts_on: date | None, last_case_on: date | None, source: str, today: date
) -> list[Problem]:
    problems: list[Problem] = []
    if level not in LEVELS:
        problems.append(Problem("level", f"风险等级“{level}”无效", f"unknown risk level {level!r}"))
    if lift_rule not in LIFT_RULES:
        problems.append(
            Problem("lift_rule", f"解除规则“{lift_rule}”无效", f"unknown lifting rule {lift_rule!r}")
        )
    if starts_on is None:
        problems.append(Problem("starts_on", "请填写开始日期", "give the start date"))
    elif starts_on > today + timedelta(days=1):
        problems.append(
            Problem("starts_on", "开始日期不能晚于明天", "the start date cannot be after tomorrow")
        )
    if last_case_on is not None and starts_on is not None and last_case_on > today:
        problems.append(
            Problem("last_case_on", "最近病例日期不能晚于今天", "the last case cannot be in the future")
        )
    if not source.strip():
        problems.append(Problem("source", "请填写发布来源", "give the source of the designation"))
    elif len(source) > 300:
        problems.append(Problem("source", "来源最多300字", "the source has at most 300 characters"))
    return problems


# ---- Pop-up ① window ------------------------------------------------------------------------------
WINDOW_DAYS = 14  # §4.3 ①: 14天内曾到访


def window_start(today: date) -> date:
    """The first day of travel that still counts today: a stay whose last day is on or after it."""
    return today - timedelta(days=WINDOW_DAYS)


def flag_expires_on(last_day: date) -> date:
    """The day pop-up ① ends for a stay that ended on `last_day` (离开满14天)."""
    return last_day + timedelta(days=WINDOW_DAYS + 1)


def verify_deadline_hours() -> int:
    """R9: those already in the city report at once; the community verifies within 24 hours."""
    return 24


# ---- Travel records ---------------------------------------------------------------------------------
SOURCES: dict[str, tuple[str, str]] = {
    "declaration": ("本人申报", "Own declaration"),
    "carrier": ("承运企业行程数据", "Carrier itinerary data"),
    "hub": ("交通枢纽登记", "Transport hub registration"),
    "port": ("口岸入境登记", "Port of entry"),
    "hotel": ("隔离酒店登记", "Quarantine hotel"),
    "staff": ("工作人员登记", "Registered by staff"),
}
OPEN_END = date(9999, 12, 31)  # stored `last_day` of a stay that has not ended yet
MAX_TRIP_DAYS = 366


def stay_problems(
    place_known: bool,
    place_code: str,
    from_on: date | None,
    to_on: date | None,
    today: date,
    row: int | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    problem = code_problem(place_code, row, "place_code")
    if problem is not None:
        problems.append(problem)
    elif not place_known:
        problems.append(
            Problem("place_code", f"未知的区划代码“{place_code}”", f"unknown place code {place_code!r}", row)
        )
    if from_on is None:
        problems.append(Problem("from_on", "请填写到达该地的日期", "give the day you arrived there", row))
    elif from_on > today:
        problems.append(
            Problem("from_on", "到达日期不能晚于今天", "the arrival day cannot be in the future", row)
        )
    if from_on is not None and to_on is not None:
        if to_on < from_on:
            problems.append(
                Problem("to_on", "返回日期早于出发日期", "the return day is before the departure day", row)
            )
        elif (to_on - from_on).days > MAX_TRIP_DAYS:
            problems.append(Problem("to_on", "行程超过一年", "the stay is longer than a year", row))
    if to_on is not None and to_on > today + timedelta(days=30):
        problems.append(Problem("to_on", "返回日期太远", "the return day is too far ahead", row))
    return problems


def overlaps(a_from: date, a_last: date, b_from: date, b_last: date) -> bool:
    """Two stays overlap when they share more than a travel day (leaving A and arriving in B the same day
    is one journey, not an overlap)."""
    return (a_from < b_last and b_from < a_last) or (a_from == b_from and a_last == b_last)


# ---- Observation plans (returnees R7, inbound R8) ----------------------------------------------------
@dataclass(frozen=True)
class Plan:
    edition: str
    kind: str  # returnee | inbound
    mode: str  # centralised | home | home_or_centralised | tests_only
    centralised_days: int
    home_days: int
    monitoring_days: int
    test_days: tuple[int, ...]
    popup2: bool
    cite: str

    @property
    def isolation_days(self) -> int:
        return self.centralised_days + self.home_days


@dataclass(frozen=True)
class Schedule:
    """The dates of a plan started on `starts_on` (day 0 = arrival day)."""

    starts_on: date
    handover_on: date  # end of the centralised part: handed to community health management
    isolation_ends_on: date  # last day of centralised + home observation
    monitoring_ends_on: date
    popup2_until: date | None  # last day pop-up ② shows; cleared the next day


def schedule(plan: Plan, starts_on: date) -> Schedule:
    handover = starts_on + timedelta(days=plan.centralised_days)
    isolation_end = starts_on + timedelta(days=plan.isolation_days)
    monitoring_end = isolation_end + timedelta(days=plan.monitoring_days)
    popup = isolation_end if plan.popup2 else None
    return Schedule(starts_on, handover, isolation_end, monitoring_end, popup)


@dataclass(frozen=True)
class Visit:
    place_code: str
    from_on: date
    last_day: date
    risk_class: str | None  # high | medium | low from the risk list on the return day, None if not listed


RETURNEE_EDITIONS: tuple[tuple[date, str], ...] = (
    (date(2020, 2, 14), "BJ-2020-02-14"),
    (date(2020, 4, 18), "BJ-2020-04-18"),
    (date(2022, 6, 28), "9th-2022-06-28"),
    (date(2022, 11, 11), "20-2022-11-11"),
)
INBOUND_EDITIONS: tuple[tuple[date, Plan], ...] = (
    (date(2021, 1, 22), Plan("BJ-2021-01-22", "inbound", "centralised", 14, 7, 7, (), True, "§2, §4.3 ②")),
    (date(2022, 6, 28), Plan("9th-2022-06-28", "inbound", "centralised", 7, 3, 0, (), True, "§2 (9th ed.)")),
    (
        date(2022, 11, 11),
        Plan("20-2022-11-11", "inbound", "centralised", 5, 3, 0, (), True, "§2 (二十条, unverified)"),
    ),
)


def _in_force(editions: tuple[tuple[date, T], ...], day: date) -> T | None:
    found = None
    for effective, value in editions:
        if effective <= day:
            found = value
    return found


def inbound_plan(arrived_on: date) -> Plan | None:
    """The entry quarantine plan in force on the arrival day, or None before the first edition."""
    return _in_force(INBOUND_EDITIONS, arrived_on)


def _feb_2020(edition: str, _back_on: date, _visits: list[Visit]) -> Plan | None:
    return Plan(edition, "returnee", "home_or_centralised", 0, 14, 0, (), False, "§2 (2020-02-14)")


def _apr_2020(edition: str, back_on: date, visits: list[Visit]) -> Plan | None:
    start = back_on - timedelta(days=WINDOW_DAYS)
    recent = [v for v in visits if v.last_day >= start]
    jingjin = all(v.place_code[:2] in {"12", "13"} for v in recent)
    stayed = any(v.from_on <= start and v.last_day >= back_on - timedelta(days=1) for v in recent)
    if recent and jingjin and stayed:
        return None
    return Plan(edition, "returnee", "home_or_centralised", 0, 14, 0, (), False, "§2 (2020-04-18)")


def _classes(back_on: date, visits: list[Visit]) -> set[str | None]:
    week = back_on - timedelta(days=7)
    return {v.risk_class for v in visits if v.last_day >= week}


def _ninth(edition: str, back_on: date, visits: list[Visit]) -> Plan | None:
    classes = _classes(back_on, visits)
    if "high" in classes:
        return Plan(edition, "returnee", "centralised", 7, 0, 0, (1, 2, 3, 5, 7), False, "§2 (9th ed.)")
    if "medium" in classes:
        return Plan(edition, "returnee", "home", 0, 7, 0, (1, 4, 7), False, "§2 (9th ed.)")
    if "low" in classes:
        return Plan(edition, "returnee", "tests_only", 0, 0, 0, (1, 3), False, "§2 (9th ed., 三天两检)")
    return None


def _twenty(edition: str, back_on: date, visits: list[Visit]) -> Plan | None:
    if "high" in _classes(back_on, visits):
        return Plan(edition, "returnee", "home", 0, 7, 0, (1, 3, 5, 7), False, "§2 (二十条)")
    return None


_RETURNEE_RULES = {
    "BJ-2020-02-14": _feb_2020,
    "BJ-2020-04-18": _apr_2020,
    "9th-2022-06-28": _ninth,
    "20-2022-11-11": _twenty,
}


def returnee_plan(back_on: date, visits: list[Visit]) -> Plan | None:
    """What the rule set in force on the return day requires of a person back from `visits` (stays
    outside the city); None when nothing is required (or no edition was in force)."""
    edition = _in_force(RETURNEE_EDITIONS, back_on)
    if edition is None or not visits:
        return None
    return _RETURNEE_RULES[edition](edition, back_on, visits)


def popup2_active(popup2_until: date | None, today: date) -> bool:
    """Pop-up ② shows up to and including its last day; it is gone the next day (§4.3 ②)."""
    return popup2_until is not None and today <= popup2_until
