"""Pure policy for market supply (R26): the goods watched, which venues are outlets, and when a report
raises an alert.

RULES.md gives no numbers for supply alerts (MISSION R26 names the alerts, not their thresholds), so the
thresholds are this module's own versioned rule set: a new edition is a new `RuleSet`, and every alert
records the edition it was raised under. Days of cover = today's stock / the mean daily sales over the
last `cover_basis_days` reported days (today included); a price jump is a rise over the outlet's
previous reported price of the same good by more than `max_price_rise` (falls never alert)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from lianfang.core.errors import Problem


@dataclass(frozen=True)
class RuleSet:
    edition: str
    effective_from: date
    min_days_cover: float
    max_price_rise: float
    cover_basis_days: int


RULE_SETS = (RuleSet("supply-2022.1", date(2022, 1, 1), 3.0, 0.20, 3),)
CURRENT = RULE_SETS[-1]
EDITION = CURRENT.edition
SOURCE = "lianfang supply rule set (RULES.md has no supply thresholds)"

OUTLET_KINDS = ("supermarket", "market")
OWNER_GROUP = "supply"  # 市场保供组: the district's owner of supply alerts
MAX_BACKDATE_DAYS = 7  # a report (or correction) may name a day up to a week back

# code -> (name, English name, unit, English unit). The watched list is part of the rule set.
GOODS: dict[str, tuple[str, str, str, str]] = {
    "rice": ("大米", "Rice", "公斤", "kg"),
    "flour": ("面粉", "Flour", "公斤", "kg"),
    "oil": ("食用油", "Cooking oil", "升", "l"),
    "pork": ("猪肉", "Pork", "公斤", "kg"),
    "eggs": ("鸡蛋", "Eggs", "公斤", "kg"),
    "vegetables": ("蔬菜", "Vegetables", "公斤", "kg"),
    "milk": ("牛奶", "Milk", "升", "l"),
    "instant_noodles": ("方便面", "Instant noodles", "箱", "case"),
}
ALERT_KINDS: dict[str, tuple[str, str]] = {
    "low_stock": ("库存不足", "Low stock"),
    "price_jump": ("价格异动", "Price jump"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    value: float
    threshold: float


def rule_set(day: date) -> RuleSet:
    in_force = [r for r in RULE_SETS if r.effective_from <= day]
    return in_force[-1] if in_force else RULE_SETS[0]


def days_of_cover(stock: float, sales: Sequence[float]) -> float | None:
    """Stock over the mean daily sales; None when nothing was sold (cover cannot be judged)."""
    if not sales:
        return None
    mean = sum(sales) / len(sales)
    return stock / mean if mean > 0 else None


def price_rise(price_cents: int, previous_cents: int | None) -> float | None:
    if previous_cents is None or previous_cents <= 0:
        return None
    return (price_cents - previous_cents) / previous_cents


def findings(
    rules: RuleSet, stock: float, sales: Sequence[float], price_cents: int, previous_cents: int | None
) -> list[Finding]:
    """`sales`: the good's daily sales over the last reported days, today's last."""
    found: list[Finding] = []
    cover = days_of_cover(stock, sales[-rules.cover_basis_days :])
    if cover is not None and cover < rules.min_days_cover:
        found.append(Finding("low_stock", round(cover, 3), rules.min_days_cover))
    rise = price_rise(price_cents, previous_cents)
    if rise is not None and rise > rules.max_price_rise:
        found.append(Finding("price_jump", round(rise, 4), rules.max_price_rise))
    return found


def item_problems(row: int, good: str, stock: float, sold: float, price_cents: int) -> list[Problem]:
    problems: list[Problem] = []
    if good not in GOODS:
        problems.append(Problem("good", f"商品“{good}”不在监测目录中", f"unknown good {good!r}", row))
    if not stock >= 0:
        problems.append(Problem("stock", "库存不能为负", "stock cannot be negative", row))
    if not sold >= 0:
        problems.append(Problem("sold", "销量不能为负", "sales cannot be negative", row))
    if price_cents <= 0:
        problems.append(Problem("price", "价格须大于0", "the price must be above 0", row))
    return problems


def day_problem(day: date, today: date) -> Problem | None:
    if day > today:
        return Problem("day", "不能填报未来日期", "the day cannot be in the future")
    if day < today - timedelta(days=MAX_BACKDATE_DAYS):
        return Problem("day", f"只能填报或更正{MAX_BACKDATE_DAYS}天内的数据", "the day is too far back")
    return None
