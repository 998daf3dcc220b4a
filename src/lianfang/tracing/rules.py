"""Pure policy for epidemiological investigation (流调): look-back windows, who is a contact and why,
secondary contacts, where a confirmed contact is sent and by when. Takes `now`; no clock, no I/O.

Sources (../shared/domain/RULES.md):
- §1.2: 密切接触者 from 2 days before onset (or before the first positive sampling of an asymptomatic
  case) until the case was isolated; 4 days in Delta-era local practice → `lookback_days` per rule set,
  overridden by the `tracing_lookback_days` setting. The 9th-edition list of settings: (1) living
  together, (5) same office / classroom / workshop, (6) enclosed or poorly ventilated places (shared
  meals, entertainment), (7) same vehicle within 1 m; the transport guide (飞机 same row and three rows in
  front and behind; sealed train the same carriage; open train the same and adjacent compartments;
  sealed coach everyone; ventilated bus three rows; ship the same cabin). The priority rule lets the
  investigator widen the circle in crowded places.
- §1.3: 密接的密接 from the contact's first contact with the case until the contact was controlled
  (introduced by the 7th edition, dropped by the 二十条 of 2022-11-11); 一般接触者 = shared public places
  and vehicles without meeting the close-contact rules.
- §6: cross-region assistance must be located "as fast as possible"; no national deadline was found, so
  the 4-hour default (`tracing_assist_hours`) and the 8 h / 12 h transfer targets for contacts and
  secondary contacts are configurable defaults ([C] sources).
- Overlap thresholds per venue kind are engineering choices (RULES.md §9: derived, not sourced); the
  stay of a visit without check-out is the venue kind's default stay (`checkins.rules.stay_until`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.errors import Problem

EDITION = "T1-2026-11"  # this table of thresholds and reasons; each case also records its 防控方案 edition

STATUSES: dict[str, tuple[str, str]] = {
    "pending": ("待核实", "Pending confirmation"),
    "open": ("调查中", "Under investigation"),
    "closed": ("已结案", "Closed"),
    "discarded": ("已排除", "Discarded"),
}
CASE_VERBS: dict[str, tuple[frozenset[str], str, tuple[str, str]]] = {
    "confirm": (frozenset({"pending"}), "open", ("核实立案", "Confirm and investigate")),
    "close": (frozenset({"open"}), "closed", ("结案", "Close")),
    "reopen": (frozenset({"closed"}), "open", ("重新调查", "Reopen")),
    "discard": (frozenset({"pending", "open"}), "discarded", ("排除", "Discard")),
}
CLASSIFICATIONS: dict[str, tuple[str, str]] = {
    "confirmed": ("确诊病例", "Confirmed case"),
    "asymptomatic": ("无症状感染者", "Asymptomatic infection"),
}
ORIGINS: dict[str, tuple[str, str]] = {
    "lab": ("检测阳性", "Lab result"),
    "clinic": ("医疗机构报告", "Clinic report"),
    "manual": ("手工录入", "Entered by hand"),
}
FOUND_BY: dict[str, tuple[str, str]] = {
    "under_control": ("管控中发现", "Already under control"),
    "community_screening": ("社区筛查", "Community screening"),
    "clinic": ("就诊发现", "Clinic"),
    "arrival_screening": ("入返筛查", "Arrival screening"),
}
SOURCES: dict[str, tuple[str, str]] = {
    "local": ("本土", "Local"),
    "imported": ("输入", "Imported"),
    "unknown": ("待查", "Unknown"),
}
CLUSTER_SETTINGS: dict[str, tuple[str, str]] = {
    "household": ("家庭", "Household"),
    "work": ("工作单位", "Workplace"),
    "school": ("学校", "School"),
    "venue": ("公共场所", "Public place"),
    "transport": ("交通工具", "Transport"),
    "community": ("社区", "Community"),
    "other": ("其他", "Other"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "close": ("密切接触者", "Close contact"),
    "secondary": ("密接的密接", "Secondary contact"),
    "general": ("一般接触者", "General contact"),
}
CONTACT_STATUSES: dict[str, tuple[str, str]] = {
    "proposed": ("待判定", "Proposed"),
    "confirmed": ("已判定", "Confirmed"),
    "dismissed": ("已排除", "Dismissed"),
}
REASONS: dict[str, tuple[str, str, str]] = {  # reason: zh, en, rule citation
    "household": ("共同居住生活", "Lives with the case", "RULES §1.2 (1)"),
    "group": ("同一办公室/教室/班组", "Same office, class or workshop", "RULES §1.2 (5)"),
    "venue_enclosed": ("密闭场所同时段停留", "Same time in an enclosed place", "RULES §1.2 (6)"),
    "venue": ("同一场所同时段停留", "Same place at the same time", "RULES §1.3 一般接触者"),
    "transport": ("同乘交通工具", "Same vehicle", "RULES §1.2 交通工具判定指引"),
    "secondary": ("与密接同住同工作同娱乐", "Close to a close contact", "RULES §1.3 密接的密接"),
    "manual": ("调查人员评估", "Investigator's judgement", "RULES §1.2 (9)"),
}
TRANSPORT_MODES: dict[str, tuple[str, str]] = {
    "flight": ("飞机", "Flight"),
    "train_sealed": ("全封闭空调列车", "Sealed train"),
    "train_open": ("非全封闭列车", "Open train"),
    "coach_sealed": ("全密封空调客车", "Sealed coach"),
    "bus": ("通风普通客车", "Ventilated bus"),
    "ship": ("轮船", "Ship"),
}
ROUTES: dict[str, tuple[str, str]] = {
    "community": ("社区落位管控", "Community control"),
    "assist": ("跨区协查", "Cross-district request"),
    "outgoing": ("外省市协查函", "Letter to another city"),
}
# Public places: sharing them makes a general contact (RULES §1.3); enclosed kinds follow §1.2 (6).
PUBLIC_KINDS = frozenset(
    {"supermarket", "market", "mall", "metro_station", "bus_station", "park", "community_gate", "pharmacy"}
)
SMALL_CAPACITY = 30  # a small enclosed room: stricter (RULES §1.2 priority rule; engineering threshold)
# Enclosed places whose guests share one room (§1.2 (6) 共同娱乐): close after `enclosed_close` minutes even
# when large. In a large restaurant or gym the table or the machine decides (同桌/邻桌), which no scan
# shows: its guests are proposed as general contacts, and the investigator raises those it should.
ROOM_KINDS = frozenset({"ktv", "chess_card_room", "internet_cafe"})
NOTE_MAX = 500


@dataclass(frozen=True)
class Threshold:
    """Minutes of overlap with the case at a venue: `close` (None: never close by a scan alone) and
    `general` (less overlap proposes nobody)."""

    close: int | None
    general: int


@dataclass(frozen=True)
class RuleSet:
    edition: str
    effective_from: date
    lookback_days: int
    secondary: bool  # 密接的密接 are judged
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    enclosed_close: int = 30
    small_enclosed_close: int = 15
    secondary_venue_minutes: int = 60  # 同娱乐 / 同餐 for a long time in a small enclosed place (§1.3)

    def threshold(self, kind: str) -> Threshold:
        return self.thresholds.get(kind, self.thresholds["other"])


_THRESHOLDS = {
    **dict.fromkeys(PUBLIC_KINDS, Threshold(None, 5)),
    "community_gate": Threshold(None, 1),
    "pharmacy": Threshold(None, 1),
    "office_building": Threshold(None, 30),
    "hotel": Threshold(None, 30),
    "school": Threshold(None, 30),
    "hospital": Threshold(None, 15),
    "clinic": Threshold(30, 5),
    "cinema": Threshold(30, 1),
    "other": Threshold(60, 15),
}
RULE_SETS = (
    RuleSet("7th", date(2020, 9, 11), 2, True, _THRESHOLDS),
    RuleSet("8th", date(2021, 5, 11), 2, True, _THRESHOLDS),
    RuleSet("9th", date(2022, 6, 28), 2, True, _THRESHOLDS),
    RuleSet("二十条", date(2022, 11, 11), 2, False, _THRESHOLDS),
)


def rules_for(today: date, pinned: str = "") -> RuleSet:
    """The rule set in force on `today` (the earliest one before any took effect), unless the
    `tracing_edition` setting pins one edition."""
    if pinned:
        return by_edition(pinned)
    in_force = [r for r in RULE_SETS if r.effective_from <= today]
    return max(in_force, key=lambda r: r.effective_from) if in_force else RULE_SETS[0]


def by_edition(edition: str) -> RuleSet:
    """The rule set a case recorded (unknown names: the latest)."""
    return next((r for r in RULE_SETS if r.edition == edition), RULE_SETS[-1])


EDITIONS = tuple(r.edition for r in RULE_SETS)


def reference_time(onset_at: datetime | None, sampled_at: datetime | None, reported_at: datetime) -> datetime:
    """Onset for a symptomatic case, else the first positive sampling (else the report)."""
    return onset_at or sampled_at or reported_at


def lookback_start(reference: datetime, days: int) -> datetime:
    """00:00 local of the day `days` before onset or sampling (whole days: the conservative reading)."""
    day = local_date(reference) - timedelta(days=days)
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def window(
    onset_at: datetime | None,
    sampled_at: datetime | None,
    reported_at: datetime,
    isolated_at: datetime | None,
    days: int,
    now: datetime,
) -> tuple[datetime, datetime]:
    """[start, end) of the case's exposure window: the look-back start up to isolation (else now)."""
    start = lookback_start(reference_time(onset_at, sampled_at, reported_at), days)
    end = min(isolated_at or now, now)
    return start, max(start, end)


def overlap_minutes(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds() / 60)


def venue_limits(
    rules: RuleSet, kind: str, enclosed: bool, capacity: int | None
) -> tuple[float | None, float]:
    """(minutes of overlap that make a close contact or None, minutes that make a general contact) at a
    venue: the table above, resolved once per visit."""
    if enclosed:
        if is_small(capacity):
            return rules.small_enclosed_close, 0.0
        return (rules.enclosed_close if kind in ROOM_KINDS else None), 0.0
    threshold = rules.threshold(kind)
    return threshold.close, float(threshold.general)


def classify(limits: tuple[float | None, float], minutes: float) -> tuple[str, str] | None:
    close, general = limits
    if minutes <= 0:
        return None
    if close is not None and minutes >= close:
        return "close", "venue_enclosed"
    if minutes >= general:
        return "general", "venue"
    return None


def venue_category(
    rules: RuleSet, kind: str, enclosed: bool, capacity: int | None, minutes: float
) -> tuple[str, str] | None:
    """(category, reason) for `minutes` of overlap with the case at a venue, or None (nobody)."""
    return classify(venue_limits(rules, kind, enclosed, capacity), minutes)


def is_small(capacity: int | None) -> bool:
    return capacity is not None and capacity <= SMALL_CAPACITY


def secondary_by_venue(rules: RuleSet, enclosed: bool, capacity: int | None, minutes: float) -> bool:
    """A close contact's own contact at a venue is a secondary contact only after a long time together
    in a small enclosed place (9th edition: 同住、同餐、同工作、同娱乐等长时间密切接触)."""
    return enclosed and is_small(capacity) and minutes >= rules.secondary_venue_minutes


@dataclass(frozen=True)
class Seat:
    carriage: str | None
    row: int | None


def transport_category(mode: str, case: Seat, other: Seat) -> tuple[str, str]:  # noqa: PLR0911 (one return per rule of the guide)
    """(category, why) of a fellow traveller by the transport guide (RULES §1.2). An unknown seat is
    judged close: the priority rule widens the circle when the investigation cannot narrow it."""
    same_carriage = case.carriage is not None and case.carriage == other.carriage
    rows = abs(case.row - other.row) if case.row is not None and other.row is not None else None
    if mode == "coach_sealed":
        return "close", "同车所有人员"
    if mode in ("flight", "bus"):
        if rows is None:
            return "close", "座位不明，扩大判定"
        return ("close", "同排及前后三排") if rows <= 3 else ("general", "同一交通工具")
    if mode in ("train_sealed", "ship"):
        if case.carriage is None or other.carriage is None:
            return "close", "车厢/舱室不明，扩大判定"
        why = "同一车厢" if mode == "train_sealed" else "同一舱室"
        return ("close", why) if same_carriage else ("general", "同一交通工具")
    if mode == "train_open":
        if not same_carriage:
            return "general", "同一交通工具"
        return ("close", "同格及前后邻格") if rows is None or rows <= 1 else ("general", "同一车厢")
    return "general", "同一交通工具"


def rank(category: str) -> int:
    return {"close": 3, "secondary": 2, "general": 1}.get(category, 0)


def secondary_window(
    first_contact_at: datetime, controlled_at: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """From the contact's first contact with the case until it was controlled (else now) (§1.3)."""
    end = min(controlled_at or now, now)
    return first_contact_at, max(first_contact_at, end)


# ---- routing of confirmed contacts -------------------------------------------------------------------


def district_path(path: str) -> str:
    """ "/1/4/17/23/" -> "/1/4/": the district a path lies in (the city itself for shorter paths)."""
    ids = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(ids[:2]) + "/"


def route(case_path: str, contact_path: str | None) -> str:
    """community (same district), assist (another district), outgoing (outside the city's registry)."""
    if contact_path is None:
        return "outgoing"
    return "community" if district_path(case_path) == district_path(contact_path) else "assist"


def control_deadline(
    now: datetime, routing: str, category: str, assist_hours: float, control_hours: float
) -> datetime:
    """By when the contact must be located and controlled: cross-district and letters `assist_hours`
    (4 by default); in the district `control_hours` for close contacts, 1.5× for secondary ones and 24 h
    for general contacts (RULES §6: 8 h and 12 h transfer targets)."""
    if routing in ("assist", "outgoing"):
        return now + timedelta(hours=assist_hours)
    factor = {"close": 1.0, "secondary": 1.5}.get(category)
    return now + (timedelta(hours=control_hours * factor) if factor else timedelta(hours=24))


# ---- validation --------------------------------------------------------------------------------------


def case_problems(
    classification: str,
    found_by: str,
    source: str,
    onset_at: datetime | None,
    sampled_at: datetime | None,
    isolated_at: datetime | None,
    now: datetime,
) -> list[Problem]:
    problems: list[Problem] = []
    if classification not in CLASSIFICATIONS:
        problems.append(Problem("classification", "病例分类无效", "classification: confirmed | asymptomatic"))
    if found_by not in FOUND_BY:
        problems.append(Problem("found_by", "发现途径无效", "found_by: " + " | ".join(FOUND_BY)))
    if source not in SOURCES:
        problems.append(Problem("source", "来源无效", "source: local | imported | unknown"))
    if onset_at is None and sampled_at is None:
        problems.append(
            Problem(
                "onset_at",
                "请填写发病时间或首次阳性采样时间",
                "give the onset or the first positive sampling time",
            )
        )
    if classification == "asymptomatic" and sampled_at is None:
        problems.append(
            Problem(
                "sampled_at", "无症状感染者须填写阳性采样时间", "an asymptomatic case needs its sampling time"
            )
        )
    for name, value in (("onset_at", onset_at), ("sampled_at", sampled_at), ("isolated_at", isolated_at)):
        if value is not None and value.tzinfo is None:
            problems.append(Problem(name, "时间须带时区", "times need a time zone"))
        elif value is not None and value > now + timedelta(minutes=10):
            problems.append(Problem(name, "时间晚于当前时间", "the time is in the future"))
    return problems


def exposure_problems(
    kind: str,
    started_at: datetime,
    ended_at: datetime,
    place: str,
    venue_id: int | None,
    mode: str | None,
    number: str | None,
    window_start: datetime,
) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in ("place", "transport"):
        problems.append(Problem("kind", "类型须为地点或交通", "kind: place | transport"))
    if started_at.tzinfo is None or ended_at.tzinfo is None:
        return [*problems, Problem("started_at", "时间须带时区", "times need a time zone")]
    if ended_at <= started_at:
        problems.append(Problem("ended_at", "结束时间须晚于开始时间", "the end must be after the start"))
    if ended_at - started_at > timedelta(hours=48):
        problems.append(Problem("ended_at", "一条记录最长48小时", "one entry lasts at most 48 hours"))
    if ended_at <= window_start:
        problems.append(Problem("started_at", "记录早于追溯期", "the entry ends before the look-back window"))
    if kind == "place" and venue_id is None and not place.strip():
        problems.append(Problem("place", "请选择场所或填写地点", "choose a venue or name the place"))
    if kind == "transport":
        if mode not in TRANSPORT_MODES:
            problems.append(
                Problem("transport_mode", "交通方式无效", "transport_mode: " + " | ".join(TRANSPORT_MODES))
            )
        if not (number or "").strip():
            problems.append(Problem("transport_number", "请填写航班/车次", "give the flight or train number"))
    if len(place) > 200:
        problems.append(Problem("place", "地点最多200字", "the place has at most 200 characters"))
    return problems


def case_code(reported_at: datetime, case_id: int) -> str:
    return f"LD{local_date(reported_at):%Y%m%d}-{case_id:05d}"
