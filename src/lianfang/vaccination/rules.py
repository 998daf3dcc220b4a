"""Booster vaccination rules (疫苗加强免疫接种, MISSION R27): products and their primary course, when a
booster falls due, dose-entry checks and the coverage age groups.

**Not in RULES.md.** The shared rule book has no booster clause. This rule set follows the national
policy as such: the National Health Commission's (国家卫生健康委) booster programme, started in October
2021 and announced at the State Council Joint Prevention and Control Mechanism's press conferences —
a booster for adults aged 18 and over whose full primary course was completed at least 6 months ago.
`BOOSTER_INTERVAL_MONTHS`, `BOOSTER_MIN_AGE` and the primary-course table are rule-set values to
verify against the notice in force; a change is a new `EDITION`.

Pure: every function takes the day it judges (`today`); nothing reads a clock or a database."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lianfang.core.errors import Problem

EDITION = "NHC-booster-2021-10"
EFFECTIVE = date(2021, 10, 1)
SOURCE = (
    "国家卫生健康委新冠病毒疫苗加强免疫接种（2021年10月起）：18岁及以上、完成全程免疫满6个月者"
    " / NHC COVID-19 booster programme from 2021-10: adults 18+, full primary course ≥ 6 months ago"
    " (national policy; not in RULES.md — verify the interval against the notice in force)"
)
BOOSTER_INTERVAL_MONTHS = 6
BOOSTER_MIN_AGE = 18
MAX_DOSE_NUMBER = 5
EARLIEST_DOSE = date(2020, 7, 1)  # the first emergency-use doses in China (2020-07)


@dataclass(frozen=True)
class Product:
    zh: str
    en: str
    platform: str  # inactivated | adenovirus_vector | recombinant_protein
    primary_doses: int


PRODUCTS: dict[str, Product] = {
    "sinopharm_bibp": Product("国药中生北京公司（灭活）", "Sinopharm BIBP (inactivated)", "inactivated", 2),
    "sinopharm_wibp": Product("国药中生武汉公司（灭活）", "Sinopharm WIBP (inactivated)", "inactivated", 2),
    "sinovac": Product("北京科兴中维（灭活）", "Sinovac CoronaVac (inactivated)", "inactivated", 2),
    "cansino": Product(
        "康希诺（腺病毒载体）", "CanSino Ad5-nCoV (adenovirus vector)", "adenovirus_vector", 1
    ),
    "zf2001": Product(
        "智飞龙科马（重组蛋白）", "Zhifei ZF2001 (recombinant protein)", "recombinant_protein", 3
    ),
}
ALIASES = {
    "国药北京": "sinopharm_bibp",
    "北京生物": "sinopharm_bibp",
    "国药武汉": "sinopharm_wibp",
    "武汉生物": "sinopharm_wibp",
    "科兴": "sinovac",
    "康希诺": "cansino",
    "智飞": "zf2001",
    "智飞龙科马": "zf2001",
}

# (code, lowest age, age the group ends before; None = open); "unknown": no birth date on record.
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("0-2", 0, 3),
    ("3-17", 3, 18),
    ("18-59", 18, 60),
    ("60-79", 60, 80),
    ("80+", 80, None),
)
UNKNOWN_AGE = "unknown"
AGE_GROUP_CODES = (*(code for code, _lo, _hi in AGE_GROUPS), UNKNOWN_AGE)


@dataclass(frozen=True)
class Dose:
    dose_number: int
    product: str
    dosed_on: date


@dataclass(frozen=True)
class DoseSummary:
    """One person's state under the rule set in force (what the health-code module reads)."""

    doses: int
    last_dose_on: date | None
    primary_complete: bool
    booster_received: bool
    booster_due_on: date | None


@dataclass(frozen=True)
class Status:
    summary: DoseSummary
    primary_completed_on: date | None
    state: str  # none | upcoming | due | boosted


def normalise_product(raw: str) -> str | None:
    value = raw.strip()
    code = value.lower().replace("-", "_").replace(" ", "_")
    if code in PRODUCTS:
        return code
    return ALIASES.get(value)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Aug 31 + 6 months = end of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_before(today: date, years: int) -> date:
    """The latest birth date of someone who is at least `years` old on `today`."""
    year = today.year - years
    return date(year, today.month, min(today.day, calendar.monthrange(year, today.month)[1]))


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def birthday(birth: date, years: int) -> date:
    """The first day someone born on `birth` is `years` old (born 29 Feb: 1 March in a common year)."""
    year = birth.year + years
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, birth.month, birth.day)


def age_group(birth: date | None, today: date) -> str:
    if birth is None:
        return UNKNOWN_AGE
    age = age_on(birth, today)
    for code, low, high in AGE_GROUPS:
        if age >= low and (high is None or age < high):
            return code
    return AGE_GROUPS[0][0]  # born after today: counted with the youngest


def primary_doses(product: str) -> int:
    found = PRODUCTS.get(product)
    return found.primary_doses if found is not None else 2


def status_of(doses: Sequence[Dose], birth: date | None, today: date) -> Status:
    """The primary course is the first dose's product's course; a dose numbered past it is a booster.
    The booster falls due `BOOSTER_INTERVAL_MONTHS` after the primary course's last dose, and not before
    the person turns `BOOSTER_MIN_AGE` (unknown birth date: treated as an adult)."""
    ordered = sorted(doses, key=lambda d: d.dose_number)
    if not ordered:
        return Status(DoseSummary(0, None, False, False, None), None, "none")
    course = primary_doses(ordered[0].product)
    # A dose numbered at or past the course's last means the course was given (earlier doses may have
    # been recorded elsewhere); it completed on the course's last dose, or the first one after it.
    completed = next((d.dosed_on for d in ordered if d.dose_number >= course), None)
    complete = completed is not None
    boosted = any(d.dose_number > course for d in ordered)
    due: date | None = None
    if completed is not None and not boosted:
        due = add_months(completed, BOOSTER_INTERVAL_MONTHS)
        if birth is not None:
            due = max(due, birthday(birth, BOOSTER_MIN_AGE))
    last = max(d.dosed_on for d in ordered)
    summary = DoseSummary(len(ordered), last, complete, boosted, due)
    if boosted:
        state = "boosted"
    elif due is None:
        state = "none"
    else:
        state = "due" if due <= today else "upcoming"
    return Status(summary, completed, state)


def dose_problems(
    number: int | None,
    product_raw: str,
    dosed_on: date | None,
    today: date,
    row: int | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    if number is None or not 1 <= number <= MAX_DOSE_NUMBER:
        problems.append(
            Problem(
                "dose_number",
                f"剂次应为1至{MAX_DOSE_NUMBER}的整数",
                f"the dose number is a whole number from 1 to {MAX_DOSE_NUMBER}",
                row,
            )
        )
    if normalise_product(product_raw) is None:
        codes = ", ".join(PRODUCTS)
        problems.append(
            Problem(
                "product",
                f"疫苗产品“{product_raw}”无效（可用：{codes}）",
                f"unknown product; use {codes}",
                row,
            )
        )
    if dosed_on is None:
        problems.append(
            Problem("dosed_on", "请填写接种日期（YYYY-MM-DD）", "give the dose date (YYYY-MM-DD)", row)
        )
    elif dosed_on > today:
        problems.append(
            Problem("dosed_on", "接种日期不能晚于今天", "the dose date cannot be in the future", row)
        )
    elif dosed_on < EARLIEST_DOSE:
        problems.append(
            Problem(
                "dosed_on",
                "接种日期早于疫苗启用时间",
                "the dose date is before the vaccines were in use",
                row,
            )
        )
    return problems


def order_problem(
    number: int, dosed_on: date, others: Sequence[Dose], row: int | None = None
) -> Problem | None:
    """A later dose number must not carry an earlier date than a lower one (and vice versa)."""
    for other in others:
        if other.dose_number == number:
            continue
        if (other.dose_number < number and other.dosed_on > dosed_on) or (
            other.dose_number > number and other.dosed_on < dosed_on
        ):
            return Problem(
                "dosed_on",
                f"第{number}剂日期与第{other.dose_number}剂（{other.dosed_on}）顺序不符",
                f"dose {number}'s date is out of order with dose {other.dose_number} ({other.dosed_on})",
                row,
            )
    return None
