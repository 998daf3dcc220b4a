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

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from lianfang.core.clock import SHANGHAI, local_date

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


# ---- transport (interview entries and carriers' manifests) -------------------------------------------
# RULES §1.2 交通工具密切接触者判定指引: 飞机 同排和前后各三排; 全封闭空调列车 同一硬座/硬卧车厢或
# 软卧同包厢; 非全封闭列车 同间软卧包厢或同节车厢内同格及前后邻格; 全密封空调客车 同车所有人员;
# 通风普通客车 同车前后三排; 轮船 同一舱室. RULES §1.3: the rest of the same flight, train or ship →
# 一般接触者. RULES gives no number for an open train's "compartment" (格): this rule set reads it as seat
# rows ±1. Crew (乘务人员) are not in passenger manifests and are added by hand. Unknown seats judge close
# (the priority rule, §1.2): a rule-set choice, as is matching a trip by its number and service day.
TRANSPORT_EDITION = "TR1-2026-12"


@dataclass(frozen=True)
class Seat:
    carriage: str | None
    row: int | None


@dataclass(frozen=True)
class TransportRule:
    rows: int | None  # close within this many rows (same carriage when `by_carriage`), None: no row rule
    by_carriage: bool  # close = the same carriage / cabin (then rows narrow it when set)
    whole: bool  # everyone on board is close
    why: str  # the guide's words for the close circle


TRANSPORT_RULES: dict[str, TransportRule] = {
    "flight": TransportRule(3, False, False, "同排及前后三排"),
    "bus": TransportRule(3, False, False, "同车前后三排"),
    "train_sealed": TransportRule(None, True, False, "同一车厢"),
    "ship": TransportRule(None, True, False, "同一舱室"),
    "train_open": TransportRule(1, True, False, "同格及前后邻格"),
    "coach_sealed": TransportRule(None, False, True, "同车所有人员"),
}
MODE_ALIASES = {
    **{k: k for k in TRANSPORT_MODES},
    **{v[0]: k for k, v in TRANSPORT_MODES.items()},
    **dict.fromkeys(("飞机", "航班", "plane"), "flight"),
    **dict.fromkeys(("高铁", "动车", "城际", "g", "d", "c", "train"), "train_sealed"),
    **dict.fromkeys(("普速列车", "绿皮车", "k", "t", "z"), "train_open"),
    **dict.fromkeys(("大巴", "长途客车", "旅游大巴", "coach"), "coach_sealed"),
    **dict.fromkeys(("公交", "公交车", "客车"), "bus"),
    **dict.fromkeys(("船", "客轮"), "ship"),
}
_SEAT = re.compile(
    r"^(?:(?P<carriage>[0-9A-Z]{1,3})(?:车厢?|号车厢?|舱|-|/))?\s*(?P<row>\d{1,3})?\s*(?P<letter>[A-Z]{0,2})号?$"
)


def transport_mode(raw: str) -> str | None:
    """The canonical mode for a spelling used in files (code, Chinese name, 高铁/动车 ...), else None."""
    return MODE_ALIASES.get(raw.strip().lower()) or MODE_ALIASES.get(raw.strip())


def parse_seat(raw: str, carriage: str = "") -> tuple[str | None, int | None] | None:
    """(carriage, row) from carriage "05" and seat "12F" (or "05车12F", "5-12F"); None when unreadable."""
    text = raw.strip().upper().replace(" ", "")
    if not text:
        return (carriage.strip().upper() or None), None
    match = _SEAT.match(text)
    if match is None:
        return None
    row = int(match["row"]) if match["row"] else None
    return (carriage.strip().upper() or match["carriage"] or None), row


def seat_problem(mode: str, carriage: str | None, row: int | None) -> tuple[str, str] | None:
    """What a manifest row of this mode must give: a row on planes and buses, a carriage on trains."""
    rule = TRANSPORT_RULES.get(mode)
    if rule is None or rule.whole:
        return None
    if rule.by_carriage and carriage is None:
        return "请填写车厢/舱室", "give the carriage or cabin"
    if rule.rows is not None and not rule.by_carriage and row is None:
        return "请填写座位排号（如12C）", "give the seat with its row (e.g. 12C)"
    return None


def transport_category(mode: str, case: Seat, other: Seat) -> tuple[str, str]:  # noqa: PLR0911 (one return per rule of the guide)
    """(category, why) of a fellow traveller by the transport guide (RULES §1.2; rule `TRANSPORT_RULES`).
    An unknown seat or carriage is judged close: the priority rule widens the circle when the
    investigation cannot narrow it. Outside the close circle: general (RULES §1.3)."""
    rule = TRANSPORT_RULES.get(mode)
    if rule is None:
        return "general", "同一交通工具"
    if rule.whole:
        return "close", rule.why
    if rule.by_carriage:
        if case.carriage is None or other.carriage is None:
            return "close", "车厢/舱室不明，扩大判定"
        if case.carriage != other.carriage:
            return "general", "同一交通工具"
        if rule.rows is None:
            return "close", rule.why
    if case.row is None or other.row is None:
        return "close", "座位不明，扩大判定"
    if abs(case.row - other.row) <= (rule.rows or 0):
        return "close", rule.why
    return "general", "同一车厢" if rule.by_carriage else "同一交通工具"


def transport_rule(edition: str) -> str:
    return f"{REASONS['transport'][2]} · {edition} · {TRANSPORT_EDITION}"


# ---- cluster suggestions -----------------------------------------------------------------------------
# RULES (table of thresholds): 聚集性疫情 = 5 or more cases within 14 days in a small setting (7th edition
# on; 2 or more before). A suggestion links any two cases sharing an exposure; whether the group is a
# cluster is the investigator's decision, helped by the flag `meets_definition`. Venue links need at
# least `LINK_VENUE_MINUTES` of overlap at the same venue: a rule-set choice (RULES gives no number).
CLUSTER_EDITION = "CL1-2026-12"
CLUSTER_DAYS = 14
CLUSTER_MIN_CASES = 5
LINK_VENUE_MINUTES = 1
LINKS: dict[str, tuple[str, str, str]] = {  # kind: zh, en, the setting it suggests
    "infector": ("传播链", "Infector link", "other"),
    "household": ("同户", "Same household", "household"),
    "group": ("同单位/班级", "Same unit or class", "work"),
    "venue": ("同场所同时段", "Same venue, overlapping times", "venue"),
    "trip": ("同一交通工具", "Same trip", "transport"),
}


@dataclass(frozen=True)
class Link:
    a: int  # case ids, a < b
    b: int
    kind: str  # LINKS
    detail: str


def link(a: int, b: int, kind: str, detail: str) -> Link:
    return Link(min(a, b), max(a, b), kind, detail)


def venue_overlap(first: tuple[datetime, datetime], second: tuple[datetime, datetime]) -> float | None:
    """Minutes two cases' visits to one venue overlap, when enough for a link (else None)."""
    minutes = overlap_minutes(first, second)
    return minutes if minutes >= LINK_VENUE_MINUTES else None


def components(links: list[Link]) -> list[list[int]]:
    """Connected groups of cases (union-find), each sorted, largest first."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item in links:
        ra, rb = root(item.a), root(item.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in list(parent):
        groups.setdefault(root(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def suggested_setting(kinds: list[str]) -> str:
    """The setting of the most frequent link kind other than the infector link."""
    counted = [k for k in kinds if k != "infector"]
    if not counted:
        return "other"
    best = max(sorted(set(counted)), key=counted.count)
    return LINKS[best][2]


def meets_definition(cases: int) -> bool:
    return cases >= CLUSTER_MIN_CASES


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


def case_code(reported_at: datetime, case_id: int) -> str:
    return f"LD{local_date(reported_at):%Y%m%d}-{case_id:05d}"
