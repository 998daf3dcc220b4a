"""Health-code policy (健康宝): from a person's facts to one status with reasons. Pure: takes `now`, no
clock, no I/O.

- RULES.md §4.2: three states 集中观察 (red), 居家观察 (yellow), 未见异常 (green); the result is valid until
  24:00 of the day (疾控数据每日24时周期性更新); only the surname and the ID's first and last characters show.
- §4.1 (provincial list, the 9th-edition era): red for cases and people in centralised isolation or home
  quarantine as contacts; yellow for home health monitoring. Beijing's own two-colour split is kept:
  centralised → red (集中观察), home quarantine and home monitoring → yellow (居家观察).
- §4.3: the five numbered pop-ups (from 2022-02-12) and how each clears: ① county with local infections
  (community verification, the area lifted, or 14 days after leaving; a self-arranged test does not
  clear it); ② inbound isolation not yet over (cleared the day after its last day); ③ time-space
  association (community risk screening; a self-arranged test does not clear it); ④ no test within
  72 hours of arriving, a purchase of the four medicine classes (cleared by a result reported after the
  trigger); ⑤ a land-border-port county in 14 days (community-arranged test, cleared when negative).
- §4.3 batch semantics: 弹窗状态每日24时更新; a result reported before 24:00 clears the pop-up once that
  24:00 has passed, so a test-cleared fact still shows through the day its clearing result came back.
- §4.3 (2022-11-22): 落地三天三检 — no first test within 24 hours of arriving raises the pop-up.
- §9.4: self-testing must not clear ① or ③ (only their community paths do).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from lianfang.core.clock import SHANGHAI, local_date


@dataclass(frozen=True)
class RuleSet:
    edition: str
    effective_from: date
    arrival_test_days: int  # calendar days after the arrival day by which a first test must be taken
    citation: str


RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        "bj2022-02", date(2022, 2, 12), 3, "RULES.md §4.3 (2022-02-12 upgrade; 72h rule from 2022-01-22)"
    ),
    RuleSet("bj2022-11", date(2022, 11, 22), 1, "RULES.md §4.3 (2022-11-22: 抵京24小时内未完成第一次检测)"),
)
EDITIONS = {r.edition: r for r in RULE_SETS}

COLOURS: dict[str, tuple[str, str]] = {
    "red": ("集中观察", "Centralised observation"),
    "yellow": ("居家观察", "Home observation"),
    "green": ("未见异常", "No abnormality"),
}
POPUPS = ("1", "2", "3", "4", "5")
POPUP_MARKS = {"1": "①", "2": "②", "3": "③", "4": "④", "5": "⑤"}
# Pop-ups an appeal or a community decision can clear (② and the test-cleared ones follow their dates).
APPEALABLE = ("1", "3", "4", "5", "c")


def rule_set_on(today: date, override: str = "") -> RuleSet:
    if override:
        return EDITIONS[override]
    current = RULE_SETS[0]
    for rule_set in RULE_SETS:
        if rule_set.effective_from <= today:
            current = rule_set
    return current


@dataclass(frozen=True)
class Effect:
    """What a kind of fact does to the code, in plain language."""

    effect: str  # red | yellow | "1".."5"
    zh: str
    en: str
    todo_zh: str
    todo_en: str
    clears_zh: str
    clears_en: str
    test_clears: bool = False  # cleared by a reported result: still shows through that result's day


_COMMUNITY = ("向所在社区（村）报告", "report to your community (village)")
KINDS: dict[str, Effect] = {
    "case": Effect(
        "red",
        "确诊病例或无症状感染者",
        "a confirmed case or an asymptomatic infection",
        "配合医疗救治和流调",
        "follow the treatment and the investigation",
        "医院或疾控确认解除后转为居家观察",
        "the hospital or CDC releases you (then home observation)",
    ),
    "order_centralised": Effect(
        "red",
        "正在集中隔离医学观察",
        "under centralised isolation",
        "按隔离方案配合检测",
        "take the tests of your isolation plan",
        "隔离期满经认定后解除",
        "ends when the isolation ends and is confirmed",
    ),
    "order_home_quarantine": Effect(
        "yellow",
        "正在居家隔离医学观察",
        "under home quarantine",
        "居家不外出，按方案检测",
        "stay at home and take the planned tests",
        "期满并经社区认定后转为未见异常",
        "ends when the period is over and your community confirms it",
    ),
    "order_home_monitoring": Effect(
        "yellow",
        "正在居家健康监测",
        "under home health monitoring",
        "每日报告健康状况，非必要不外出",
        "report your health daily and go out only when needed",
        "监测期满后解除",
        "ends when the monitoring period is over",
    ),
    "travel_flag": Effect(
        "1",
        "14天内到访过有本土感染者的县（市、区、旗）",
        "in the last 14 days you visited a county with local infections",
        f"{_COMMUNITY[0]}；在京外请暂缓来京",
        f"{_COMMUNITY[1]}; if outside the city, do not come yet",
        "社区核实后解除，或该地区解除、离开满14天；自行核酸不能解除",
        "cleared when your community verifies you, the area is lifted, or 14 days after you left; "
        "a self-arranged test does not clear it",
    ),
    "inbound": Effect(
        "2",
        "正处于入境隔离期间（未满21天）",
        "your entry quarantine (21 days) is not over",
        "按入境隔离方案执行",
        "follow your entry quarantine plan",
        "隔离期满后次日自动解除",
        "cleared automatically the day after it ends",
    ),
    "pool_positive": Effect(
        "3",
        "您参加的混采检测结果为阳性，需单管复核",
        "a pooled test you were in is positive: a single-tube recheck is needed",
        "原地等待，配合单采复核",
        "stay where you are and take the single-tube recheck",
        "单管复核阴性后解除",
        "cleared when your single-tube recheck is negative",
    ),
    "contact": Effect(
        "3",
        "与风险人员或风险点位存在时空关联，需风险排查",
        "you are associated in time and place with a risk person or place: screening is needed",
        _COMMUNITY[0],
        _COMMUNITY[1],
        "社区风险排查无关联风险后解除；自行核酸不能解除",
        "cleared when your community's screening finds no risk; a self-arranged test does not clear it",
    ),
    "testing_duty": Effect(
        "4",
        "购买过退热、止咳、抗病毒、抗菌素等药品",
        "you bought fever, cough, antiviral or antibiotic medicine",
        "尽快进行核酸检测",
        "take a nucleic-acid test soon",
        "核酸结果回传后当日24时解除",
        "cleared at 24:00 of the day your result comes back",
        test_clears=True,
    ),
    "arrival_test": Effect(
        "4",
        "进返京后未按要求进行核酸检测",
        "you did not take the required test after arriving",
        "尽快进行核酸检测",
        "take a nucleic-acid test soon",
        "核酸结果回传后当日24时解除",
        "cleared at 24:00 of the day your result comes back",
        test_clears=True,
    ),
    "border_flag": Effect(
        "5",
        "14天内有陆路边境口岸所在县旅居史",
        "in the last 14 days you stayed in a county with a land border port",
        f"{_COMMUNITY[0]}，由社区安排核酸检测",
        f"{_COMMUNITY[1]}; it arranges your test",
        "社区安排的核酸阴性后解除",
        "cleared when the test your community arranged is negative",
        test_clears=True,
    ),
}


@dataclass(frozen=True)
class Fact:
    """One fact about a person from a lower module, in neutral terms: what kind, since when, and when it
    stops counting — by date (`ends_on`, the last local day it holds) or by its clearing path
    (`cleared_at`)."""

    kind: str
    ref: str  # "<table>:<id>", for the reason trail
    since: datetime
    ends_on: date | None = None
    cleared_at: datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class Clearance:
    """A pop-up cleared by a person's decision (appeal upheld, risk screening): facts of that pop-up that
    began at or before `cleared_at` stop showing it."""

    popup: str
    cleared_at: datetime


@dataclass(frozen=True)
class Reason:
    effect: str
    kind: str
    ref: str
    detail: str
    ends_on: date | None


@dataclass(frozen=True)
class Derived:
    colour: str
    popups: tuple[str, ...]
    reasons: tuple[Reason, ...]
    edition: str
    today: date
    next_change_on: date | None

    @property
    def label(self) -> tuple[str, str]:
        return COLOURS[self.colour]

    @property
    def popup_code(self) -> str:
        return ",".join(self.popups)

    def valid_until(self) -> datetime:
        """24:00 Asia/Shanghai of the day (§4.2: 结果当日24时前有效)."""
        nxt = self.today + timedelta(days=1)
        return datetime(nxt.year, nxt.month, nxt.day, tzinfo=SHANGHAI).astimezone(UTC)


def _start_day(moment: datetime) -> date:
    return local_date(moment)


def _shows_on(fact: Fact, effect: Effect, now: datetime, today: date) -> bool:
    if fact.since > now:
        return False
    if fact.ends_on is not None and today > fact.ends_on:
        return False
    if fact.cleared_at is not None and fact.cleared_at <= now:
        return effect.test_clears and local_date(fact.cleared_at) >= today
    return True


def _cleared_by_decision(fact: Fact, effect: Effect, clearances: Sequence[Clearance], now: datetime) -> bool:
    if not clearances:
        return False
    target = "c" if effect.effect in ("red", "yellow") else effect.effect
    return any(c.popup == target and fact.since <= c.cleared_at <= now for c in clearances)


def _changes_after(fact: Fact, effect: Effect, today: date) -> list[date]:
    """Days after today on which this fact alone changes what shows (date-based changes only)."""
    days = [_start_day(fact.since)]
    if fact.ends_on is not None:
        days.append(fact.ends_on + timedelta(days=1))
    if fact.cleared_at is not None and effect.test_clears:
        days.append(local_date(fact.cleared_at) + timedelta(days=1))
    return [d for d in days if d > today]


def derive(
    facts: Iterable[Fact], now: datetime, clearances: Sequence[Clearance] = (), edition: str = ""
) -> Derived:
    """The status on `now`'s local day: red over yellow over green; every pop-up whose fact shows today."""
    today = local_date(now)
    rule_set = rule_set_on(today, edition)
    reasons: list[Reason] = []
    upcoming: list[date] = []
    for fact in facts:
        effect = KINDS[fact.kind]
        upcoming += _changes_after(fact, effect, today)
        if _shows_on(fact, effect, now, today) and not _cleared_by_decision(fact, effect, clearances, now):
            reasons.append(Reason(effect.effect, fact.kind, fact.ref, fact.detail, fact.ends_on))
    effects = {r.effect for r in reasons}
    colour = "red" if "red" in effects else "yellow" if "yellow" in effects else "green"
    popups = tuple(p for p in POPUPS if p in effects)
    ordered = sorted(reasons, key=lambda r: (_ORDER.index(r.effect), r.ref))
    return Derived(colour, popups, tuple(ordered), rule_set.edition, today, min(upcoming, default=None))


_ORDER = ("red", "yellow", *POPUPS)


def clears_on(live: Iterable[Fact]) -> date | None:
    """The day from which none of these facts shows any more, by date alone; None while any of them
    holds until its path clears it. The nightly pass clears such rows set-based, without deriving."""
    last: list[date] = []
    for fact in live:
        if fact.ends_on is not None:
            last.append(fact.ends_on)
        elif fact.cleared_at is not None and KINDS[fact.kind].test_clears:
            last.append(local_date(fact.cleared_at))
        else:
            return None
    return max(last) + timedelta(days=1) if last else None


def still_live(facts: Iterable[Fact], now: datetime, clearances: Sequence[Clearance] = ()) -> list[Fact]:
    """The facts that show today or may show later by date alone: what the nightly pass needs to derive
    tomorrow's status without reading the source modules again (any change to a source fact re-derives
    the person from the sources at once). A fact cleared by a decision never shows again."""
    today = local_date(now)
    kept = []
    for fact in facts:
        effect = KINDS[fact.kind]
        if _cleared_by_decision(fact, effect, clearances, now):
            continue
        if fact.ends_on is not None and fact.ends_on < today:
            continue
        cleared = fact.cleared_at
        if cleared is not None and cleared <= now and (not effect.test_clears or local_date(cleared) < today):
            continue
        kept.append(fact)
    return kept


def arrival_test_due(arrived_on: date, rule_set: RuleSet) -> date:
    """The first local day on which a returnee still without a test shows pop-up ④."""
    return arrived_on + timedelta(days=rule_set.arrival_test_days + 1)


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).astimezone(UTC)
