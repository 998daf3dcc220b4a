"""Testing policy: pooling modes, round deadlines, result values and the validity of a result.

Sources (../shared/domain/RULES.md):
- §5 pool sizes validated: 5, 10 or 20 swabs per tube; who gets which mode — 2021-09 guide (2nd ed.):
  isolation sites and key groups 单采单检, sealed compounds 1户1管, elsewhere 5混1 or 10混1; 2022 practice:
  封控区 单采单检 or 1户1管, 管控区 10合1, 防范区 and elsewhere 20合1.
- §5 turnaround: 3rd ed. 区域核酸检测组织实施指南 (2022-03-22): a delimited area is tested within 24 hours.
- §5 positive pool: the members of a positive tube are temporarily isolated at once and re-sampled with
  single tubes (a recall, not a re-test of the stored sample).
- §4.4 (健康宝) validity: counted by calendar day from the result time (检测时间, not sampling): a test
  reported on day D counts as "0天" on D, "1天" on D+1, "2天" on D+2, all satisfying "48小时"; §4.3 the
  72-hour rule for entering Beijing is the same arithmetic with 3 days.

Pure: every function is handed `now`; nothing here reads the clock or touches the database.

Zones in a testing round: the pooling mode per zone (RULES.md §5, 2022 practice: 封控区 单采单检 or
1户1管, 管控区 10合1, 防范区 and elsewhere 20合1).

Testing sits below the control module that draws zones, so it knows a zone only as what the caller
hands over: its kind (control's level), its community, for a building zone the households it covers,
an opaque reference (e.g. "control_zone:12") and a name. Each becomes a `RoundArea` row; the writer's
checks (`register`) then refuse a sealed-zone resident in a pooled tube, and `open_tube` picks the
zone's mode for a site inside a community zone. Re-sending a zone (same reference) updates it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.errors import Problem
from lianfang.people.rules import id_number_problem

EDITION = "RULES-5-2022-03-22"  # 3rd ed. regional testing guide; pool sizes per the 2022-06-09 briefing


# Pooling modes: code -> (swabs per tube, zh, en). A household tube holds one household, capped at 20.
MODES: dict[str, tuple[int, str, str]] = {
    "single": (1, "单采单检", "single tube"),
    "household": (20, "1户1管", "one household per tube"),
    "pool5": (5, "5混1", "5-in-1"),
    "pool10": (10, "10混1", "10-in-1"),
    "pool20": (20, "20混1", "20-in-1"),
}


# 2022 practice per zone kind (RULES.md §5): 封控区 单采单检 (or 1户1管, chosen by the command), 管控区
# 10合1, 防范区 and elsewhere 20合1. Zone kinds are the control module's levels (fgf, and the 9th
# edition's / 二十条's high-medium-low risk areas, mapped the same way).
ZONE_MODES: dict[str, str] = {
    "sealed": "single",
    "controlled": "pool10",
    "prevention": "pool20",
    "high": "single",
    "medium": "pool10",
    "low": "pool20",
}


ZONE_KINDS: dict[str, tuple[str, str]] = {
    "sealed": ("封控区", "sealed zone"),
    "controlled": ("管控区", "controlled zone"),
    "prevention": ("防范区", "prevention zone"),
    "high": ("高风险区", "high-risk area"),
    "medium": ("中风险区", "medium-risk area"),
    "low": ("低风险区", "low-risk area"),
}


ELSEWHERE_MODE = "pool20"  # 2022 practice outside zones


# From strictest to loosest: a person whose area demands mode M may go into a tube of M or a stricter
# mode (a sealed-zone resident never into a 10-in-1 tube; anyone into a single tube).
MODE_ORDER: tuple[str, ...] = ("single", "household", "pool5", "pool10", "pool20")


DEFAULT_MODE = "pool10"  # 1st ed.: the first round may use 10混1 throughout


ROUND_HOURS = 24  # 3rd ed.: a delimited area within 24 hours


VALIDITY_HOURS = (24, 48, 72)


RESULTS: dict[str, tuple[str, str]] = {
    "negative": ("阴性", "negative"),
    "positive": ("阳性", "positive"),
    "invalid": ("无效/需重采", "invalid, re-sample"),
}


_RESULT_WORDS = {
    "negative": "negative",
    "neg": "negative",
    "阴性": "negative",
    "-": "negative",
    "0": "negative",
    "positive": "positive",
    "pos": "positive",
    "阳性": "positive",
    "+": "positive",
    "1": "positive",
    "invalid": "invalid",
    "无效": "invalid",
    "需重采": "invalid",
}


SOURCES: dict[str, tuple[str, str]] = {
    "round": ("区域核酸", "testing round"),
    "clinic": ("诊所/社区卫生服务中心", "clinic"),
    "hospital": ("医院", "hospital"),
    "self_paid": ("自费检测", "self-paid"),
}


BARCODE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


def capacity_of(mode: str) -> int:
    return MODES[mode][0]


def kind_of(mode: str) -> str:
    return "single" if mode == "single" else "pooled"


def default_deadline(ordered_at: datetime) -> datetime:
    return ordered_at + timedelta(hours=ROUND_HOURS)


@dataclass(frozen=True)
class AreaRule:
    """A round area as the mode rules see it: a path, a mode, and the households of a building zone."""

    path: str
    mode: str
    households: frozenset[int] = frozenset()


def mode_for(
    path: str, default: str, areas: list[tuple[str, str]] | list[AreaRule], household_id: int | None = None
) -> str:
    """The pooling mode at `path` (for a member of `household_id`): a building zone listing the household
    wins; otherwise the deepest (longest) area path that contains it; else the default."""
    best: tuple[int, int, str] = (-1, -1, default)
    for area in areas:
        rule = area if isinstance(area, AreaRule) else AreaRule(area[0], area[1])
        if not path.startswith(rule.path):
            continue
        if rule.households and (household_id is None or household_id not in rule.households):
            continue
        rank = (1 if rule.households else 0, len(rule.path), rule.mode)
        if rank[:2] > best[:2]:
            best = rank
    return best[2]


def tube_allows(person_mode: str, tube_mode: str) -> bool:
    """A person whose area demands `person_mode` may be sampled into a tube of `tube_mode`."""
    return MODE_ORDER.index(tube_mode) <= MODE_ORDER.index(person_mode)


def zone_mode(kind: str) -> str | None:
    return ZONE_MODES.get(kind)


def zone_kind_problem(kind: str, field: str = "zones") -> Problem | None:
    if kind not in ZONE_KINDS:
        return Problem(field, f"区域类型“{kind}”无效", f"unknown zone kind {kind!r}")
    return None


_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


_PSEUDONYM = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def person_ref_problem(ref: str, today: date, row: int | None = None) -> Problem | None:
    """A scanned person: an ID number (checked: region, birth date, check character) or the code a
    health code carries (the person's pseudonym)."""
    value = ref.strip()
    if _ID_LIKE.match(value):
        return id_number_problem(value, today, "people", row)
    if re.fullmatch(r"\d{15}", value):
        return None  # a first-generation (15-digit) ID number: no check character
    if not _PSEUDONYM.match(value):
        zh, en = "无法识别的健康码或证件号，请重新扫描", "not a health code or ID number; scan again"
        return Problem("people", zh, en, row)
    return None


def sampled_at_problem(sampled_at: datetime, now: datetime, row: int | None = None) -> Problem | None:
    if sampled_at > now + timedelta(minutes=5):
        return Problem("sampled_at", "采样时间在未来", "the sampling time is in the future", row)
    return None


def parse_result(raw: str) -> str | None:
    return _RESULT_WORDS.get(raw.strip().lower())


def mode_problem(mode: str, field: str = "mode") -> Problem | None:
    if mode not in MODES:
        return Problem(field, f"混采方式“{mode}”无效", f"unknown pooling mode {mode!r}")
    return None


def barcode_problem(barcode: str, field: str = "barcode", row: int | None = None) -> Problem | None:
    if not BARCODE.match(barcode):
        return Problem(field, "管码应为4-40位字母、数字或-", "a tube barcode is 4-40 of A-Z a-z 0-9 -", row)
    return None


def round_problems(now: datetime, name: str, deadline: datetime, mode: str) -> list[Problem]:
    problems: list[Problem] = []
    if not 1 <= len(name) <= 120:
        problems.append(Problem("name", "轮次名称为1-120字", "a round name has 1-120 characters"))
    if deadline <= now:
        problems.append(Problem("deadline", "截止时间须晚于现在", "the deadline must be in the future"))
    problem = mode_problem(mode, "default_mode")
    if problem:
        problems.append(problem)
    return problems


def result_time_problems(
    sampled_at: datetime | None, reported_at: datetime, now: datetime, row: int | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    if reported_at > now + timedelta(minutes=5):
        problems.append(Problem("reported_at", "报告时间在未来", "the report time is in the future", row))
    if sampled_at is not None and sampled_at > reported_at:
        problems.append(
            Problem("sampled_at", "采样时间晚于报告时间", "the sampling time is after the report time", row)
        )
    return problems


@dataclass(frozen=True)
class Validity:
    """Whether a negative result still counts at `now` for a rule of `hours` (48 or 72)."""

    valid: bool
    days: int  # calendar days since the result day (健康宝 "N天")
    expires_at: datetime  # the first moment it no longer counts (local midnight)


def validity(reported_at: datetime, now: datetime, hours: int = 48, tz: ZoneInfo = SHANGHAI) -> Validity:
    """RULES.md §4.4: counted by calendar day from the result time. A result reported on day D counts on
    days D .. D + hours/24 inclusive (48 h: D, D+1, D+2); it stops counting at 00:00 of the next day."""
    if hours not in VALIDITY_HOURS:
        msg = f"hours must be one of {VALIDITY_HOURS}"
        raise ValueError(msg)
    day = local_date(reported_at, tz)
    days = (local_date(now, tz) - day).days
    last = day + timedelta(days=hours // 24 + 1)
    expires = datetime(last.year, last.month, last.day, tzinfo=tz).astimezone(UTC)
    return Validity(0 <= days <= hours // 24, days, expires)


def turnaround_hours(sampled_at: datetime, reported_at: datetime) -> float:
    return (reported_at - sampled_at).total_seconds() / 3600.0


@dataclass(frozen=True)
class ZoneArea:
    community_id: int
    kind: str  # rules.ZONE_KINDS
    mode: str | None = None  # default: rules.ZONE_MODES[kind]
    households: tuple[int, ...] = ()  # a building zone; empty: the whole community
    ref: str = ""  # the caller's reference; default "zone:<community>:<kind>"
    name: str = ""
