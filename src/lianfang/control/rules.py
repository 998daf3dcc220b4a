"""Control policy (管控) as pure functions of the rule set in force and dates: the plan of each person class
(days, test days, swab, double test), the zone levels and their lifting rules, the secondary-contact
escalation, release and the daily-monitoring thresholds. Every table cites ../shared/domain/RULES.md.

Day numbers count from the last exposure (RULES §2 "隔离管理期限自末次暴露后算起"): day N is the date
last_exposure + N days; an isolation of D days ends at the end of day D."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

EDITION = "control-2026.11"

# Rule-set editions in force, by effective date (RULES header; §2; §3).
EDITIONS: tuple[tuple[date, str], ...] = (
    (date(2020, 1, 1), "bj2020"),
    (date(2021, 5, 11), "8th"),
    (date(2022, 6, 28), "9th"),
    (date(2022, 11, 11), "twenty"),
)
EDITION_NAMES: dict[str, tuple[str, str]] = {
    "bj2020": ("北京2020年措施", "Beijing 2020 measures"),
    "8th": ("防控方案第八版", "8th edition"),
    "9th": ("防控方案第九版", "9th edition"),
    "twenty": ("二十条", "Twenty measures"),
}

ORDER_KINDS: dict[str, tuple[str, str]] = {
    "centralised": ("集中隔离医学观察", "Centralised isolation"),
    "home_quarantine": ("居家隔离医学观察", "Home quarantine"),
    "home_monitoring": ("居家健康监测", "Home health monitoring"),
}
PERSON_CLASSES: dict[str, tuple[str, str]] = {
    "close": ("密切接触者", "Close contact"),
    "secondary": ("密接的密接", "Secondary contact"),
    "inbound": ("入境人员", "Inbound arrival"),
    "returnee": ("返京人员", "Returnee"),
    "high_risk_travel": ("高风险区旅居史人员", "From a high-risk area"),
    "medium_risk_travel": ("中风险区旅居史人员", "From a medium-risk area"),
    "discharged": ("治愈出院患者", "Discharged patient"),
    "zone_resident": ("封控区居民", "Sealed-zone resident"),
}
GIVEN_HOW: dict[str, tuple[str, str]] = {
    "verbal": ("口头告知", "Verbally"),
    "document": ("书面通知书", "Official document"),
    "unit_notice": ("经单位通知", "Notice through the unit"),
}
END_REASONS: dict[str, tuple[str, str]] = {
    "completed": ("期满解除", "Plan completed, tests negative"),
    "escalated": ("调整为密切接触者", "Escalated to close contact"),
    "positive": ("核酸阳性转诊", "Tested positive, referred"),
    "withdrawn": ("撤销", "Withdrawn"),
    "override": ("特批解除", "Released by override"),
}
SWABS = {
    "nasopharyngeal": ("鼻咽拭子", "Nasopharyngeal swab"),
    "oropharyngeal": ("口咽拭子", "Oropharyngeal swab"),
}


@dataclass(frozen=True)
class Plan:
    edition: str
    person_class: str
    kind: str  # the first measure (ORDER_KINDS)
    centralised_days: int
    home_days: int  # home quarantine (居家隔离)
    monitoring_days: int  # home health monitoring (居家健康监测), after the isolation
    test_days: tuple[int, ...]  # day numbers from the last exposure
    swab: str
    double_test: bool  # 双采双检 before release
    citation: str

    @property
    def isolation_days(self) -> int:
        return self.centralised_days + self.home_days

    @property
    def total_days(self) -> int:
        return self.isolation_days + self.monitoring_days


def _p(
    ed: str,
    cls: str,
    kind: str,
    c: int,
    h: int,
    m: int,
    tests: tuple[int, ...],
    swab: str,
    dbl: bool,
    cite: str,
) -> Plan:
    return Plan(ed, cls, kind, c, h, m, tests, swab, dbl, cite)


_NP, _OP = "nasopharyngeal", "oropharyngeal"
_S2, _S21, _S22 = "RULES §2 (8th ed.)", "RULES §2 (9th ed.)", "RULES §2 (二十条)"
PLANS: dict[tuple[str, str], Plan] = {
    # Beijing 2020: 14 days centralised for contacts and discharged patients, returnees 14 days (§2).
    ("bj2020", "close"): _p(
        "bj2020", "close", "centralised", 14, 0, 0, (1, 14), _NP, True, "RULES §2 Beijing 2020-07-20"
    ),
    ("bj2020", "returnee"): _p(
        "bj2020",
        "returnee",
        "home_quarantine",
        0,
        14,
        0,
        (),
        _NP,
        False,
        "RULES §2 Beijing 2020-02-14; MISSION R7",
    ),
    ("bj2020", "inbound"): _p(
        "bj2020", "inbound", "centralised", 14, 0, 7, (1, 14), _NP, True, "RULES §2 Beijing 14+7"
    ),
    ("bj2020", "discharged"): _p(
        "bj2020",
        "discharged",
        "home_monitoring",
        0,
        0,
        14,
        (),
        _NP,
        False,
        "RULES §2 诊疗方案 7th/8th; MISSION R11",
    ),
    # 8th edition (2021-05 → 2022-06).
    ("8th", "close"): _p("8th", "close", "centralised", 14, 0, 7, (1, 4, 7, 14), _NP, True, _S2),
    ("8th", "secondary"): _p("8th", "secondary", "centralised", 7, 0, 0, (1, 7), _NP, False, _S2),
    ("8th", "inbound"): _p("8th", "inbound", "centralised", 14, 0, 7, (1, 4, 7, 14), _NP, True, _S2),
    ("8th", "returnee"): _p(
        "8th",
        "returnee",
        "home_quarantine",
        0,
        14,
        0,
        (1, 14),
        _NP,
        False,
        "RULES §2 Beijing returnees; MISSION R7",
    ),
    ("8th", "discharged"): _p(
        "8th",
        "discharged",
        "home_monitoring",
        0,
        0,
        14,
        (),
        _NP,
        False,
        "RULES §2 诊疗方案 7th/8th; MISSION R11",
    ),
    ("8th", "zone_resident"): _p(
        "8th", "zone_resident", "home_quarantine", 0, 14, 7, (1, 4, 7, 10, 14), _NP, False, "RULES §3.2"
    ),
    # 9th edition (2022-06-28): "7+3".
    ("9th", "close"): _p("9th", "close", "centralised", 7, 0, 3, (1, 2, 3, 5, 7, 10), _OP, False, _S21),
    ("9th", "secondary"): _p("9th", "secondary", "home_quarantine", 0, 7, 0, (1, 4, 7), _OP, False, _S21),
    ("9th", "inbound"): _p("9th", "inbound", "centralised", 7, 0, 3, (1, 2, 3, 5, 7, 10), _OP, False, _S21),
    ("9th", "returnee"): _p("9th", "returnee", "home_quarantine", 0, 7, 0, (1, 4, 7), _OP, False, _S21),
    ("9th", "high_risk_travel"): _p(
        "9th", "high_risk_travel", "centralised", 7, 0, 0, (1, 4, 7), _OP, False, _S21
    ),
    ("9th", "medium_risk_travel"): _p(
        "9th", "medium_risk_travel", "home_quarantine", 0, 7, 0, (1, 4, 7), _OP, False, _S21
    ),
    ("9th", "discharged"): _p(
        "9th", "discharged", "home_monitoring", 0, 0, 7, (), _OP, False, "RULES §2 诊疗方案 (2022-03-15)"
    ),
    # 二十条 (2022-11-11): "5+3"; secondary contacts are not judged any more.
    ("twenty", "close"): _p("twenty", "close", "centralised", 5, 3, 0, (1, 2, 3, 5, 6, 8), _OP, False, _S22),
    ("twenty", "inbound"): _p(
        "twenty", "inbound", "centralised", 5, 3, 0, (1, 2, 3, 5, 6, 8), _OP, False, _S22
    ),
    ("twenty", "returnee"): _p(
        "twenty", "returnee", "home_quarantine", 0, 7, 0, (1, 3, 5, 7), _OP, False, _S22
    ),
    ("twenty", "high_risk_travel"): _p(
        "twenty", "high_risk_travel", "home_quarantine", 0, 7, 0, (1, 3, 5, 7), _OP, False, _S22
    ),
    ("twenty", "discharged"): _p(
        "twenty", "discharged", "home_monitoring", 0, 0, 7, (), _OP, False, "RULES §2 诊疗方案 (2022-03-15)"
    ),
}

# Daily monitoring per order kind: (checks per day, hours between checks). Derived defaults (RULES §9).
MONITORING: dict[str, tuple[int, int]] = {
    "centralised": (2, 12),
    "home_quarantine": (2, 12),
    "home_monitoring": (1, 24),
}
FEVER_C = 37.3  # 发热: axillary ≥ 37.3 ℃ (common clinical threshold; not from RULES)


def edition_on(day: date) -> str:
    """The rule-set edition in force on `day`."""
    found = EDITIONS[0][1]
    for start, name in EDITIONS:
        if day >= start:
            found = name
    return found


def plan_for(edition: str, person_class: str) -> Plan | None:
    """The plan of a person class under an edition; None when the edition has no such measure (e.g. 二十条
    no longer judges secondary contacts)."""
    return PLANS.get((edition, person_class))


def day_date(last_exposure: date, day: int) -> date:
    return last_exposure + timedelta(days=day)


def phase_on(plan: Plan, last_exposure: date, today: date) -> str:
    """centralised | home_quarantine | home_monitoring | done: the measure in force on `today`."""
    n = (today - last_exposure).days
    if n <= plan.centralised_days:
        return (
            "centralised"
            if plan.centralised_days
            else ("home_quarantine" if plan.home_days else "home_monitoring")
        )
    if n <= plan.isolation_days:
        return "home_quarantine"
    if n <= plan.total_days:
        return "home_monitoring"
    return "done"


def tests_due(test_days: tuple[int, ...], last_exposure: date, today: date) -> bool:
    return (today - last_exposure).days in test_days


def parse_days(raw: str) -> tuple[int, ...]:
    return tuple(int(x) for x in raw.split(",") if x.strip().isdigit())


# Secondary contacts (RULES §2 9th ed.): released on day 7 when their own tests are negative and the
# linked close contact's first two tests were both negative; escalated when either is positive.
def secondary_outcome(linked_first_results: list[str]) -> str:
    """escalate | clear | wait, from the linked close contact's results in order."""
    first = linked_first_results[:2]
    if "positive" in first:
        return "escalate"
    if len(first) == 2 and all(r == "negative" for r in first):
        return "clear"
    return "wait"


def release_problems(
    ends_on: date, today: date, results: list[str], test_days: tuple[int, ...], double_test: bool
) -> list[tuple[str, str]]:
    """Why an order may not be released yet (zh, en); empty when the plan is complete and tests negative."""
    out: list[tuple[str, str]] = []
    if today < ends_on:
        out.append(("管控期未满", "the plan has not completed"))
    if "positive" in results:
        out.append(("有阳性检测结果", "a test was positive"))
    needed = 2 if double_test else (1 if test_days else 0)
    if sum(1 for r in results if r == "negative") < needed:
        out.append(("解除前核酸检测阴性结果不足", "negative tests before release are missing"))
    return out


# Zones (RULES §3.2 and §3.3).
ZONE_LEVELS: dict[str, dict[str, tuple[str, str]]] = {
    "fgf": {
        "sealed": ("封控区", "Sealed zone"),
        "controlled": ("管控区", "Controlled zone"),
        "prevention": ("防范区", "Prevention zone"),
    },
    "9th": {
        "high": ("高风险区", "High-risk area"),
        "medium": ("中风险区", "Medium-risk area"),
        "low": ("低风险区", "Low-risk area"),
    },
    "twenty": {"high": ("高风险区", "High-risk area"), "low": ("低风险区", "Low-risk area")},
}
ZONE_SOURCES = {
    "community": ("社区", "Community"),
    "building": ("楼栋", "Building"),
    "venue": ("场所", "Venue"),
}


def zone_scheme(edition: str) -> str:
    return {"9th": "9th", "twenty": "twenty"}.get(edition, "fgf")


def residence_level(scheme: str) -> str:
    return "sealed" if scheme == "fgf" else "high"


def workplace_level(scheme: str) -> str:
    return {"fgf": "controlled", "9th": "medium", "twenty": "high"}[scheme]


def level_after_positive(scheme: str, level: str) -> str:
    """管控区内发现核酸检测阳性者立即转为封控区 (§3.2); 9th: a medium area with a new infection is drawn as
    high (§3.3, 高风险区 = 病例居住地/活动地; derived)."""
    if scheme == "fgf" and level == "controlled":
        return "sealed"
    if scheme == "9th" and level == "medium":
        return "high"
    return level


@dataclass(frozen=True)
class ZoneFacts:
    level: str
    started_on: date
    last_case_on: date | None
    last_contact_exposure_on: date | None
    last_contact_negative: bool
    round_negative_on: date | None  # date of the latest all-negative round over the whole zone
    downgraded_on: date | None  # 9th: when a high area became medium
    other_active_in_district: int  # for 防范区: sealed/controlled zones still active in the district


@dataclass(frozen=True)
class LiftCheck:
    met: bool
    next_level: str | None  # None = lifted entirely
    unmet: tuple[tuple[str, str], ...]
    citation: str


def lift_check(scheme: str, f: ZoneFacts, today: date) -> LiftCheck:
    """Whether the zone's lifting (or downgrade) rule is met on `today`; a new case restarts the count."""
    base = max(f.started_on, f.last_case_on or f.started_on)
    quiet = (today - base).days
    unmet: list[tuple[str, str]] = []

    def need_quiet(days: int) -> None:
        if quiet < days:
            unmet.append(
                (f"连续{days}天无新增感染者（现{quiet}天）", f"{days} days without a new case (now {quiet})")
            )

    def need_round(on_or_after: date, text: tuple[str, str]) -> None:
        if f.round_negative_on is None or f.round_negative_on < on_or_after:
            unmet.append(text)

    if scheme == "fgf":
        if f.level == "prevention":
            if f.other_active_in_district:
                unmet.append(
                    ("区内封控区、管控区尚未全部解除", "sealed and controlled zones remain in the district")
                )
            return LiftCheck(not unmet, None, tuple(unmet), "RULES §3.2 防范区")
        need_quiet(14)
        if f.last_contact_exposure_on is not None:
            gap = (today - f.last_contact_exposure_on).days
            if gap <= 14 or not f.last_contact_negative:
                unmet.append(
                    (
                        "最后一名密接自末次暴露未满14天或核酸未阴性",
                        "the last close contact is not past 14 days and negative",
                    )
                )
        need_round(
            today - timedelta(days=2),
            ("解封前2天内未完成全员核酸筛查阴性", "no all-negative round in the 2 days before lifting"),
        )
        return LiftCheck(not unmet, None, tuple(unmet), "RULES §3.2 解封")
    if scheme == "9th":
        if f.level == "high":
            need_quiet(7)
            need_round(
                base + timedelta(days=7), ("第7天全员核酸筛查未全阴", "no all-negative round on day 7")
            )
            return LiftCheck(not unmet, "medium", tuple(unmet), "RULES §3.3 高风险区")
        if f.level == "medium" and f.downgraded_on is not None:
            days = (today - max(f.downgraded_on, base)).days
            if days < 3:
                unmet.append(
                    (
                        f"降为中风险后连续3天无新增（现{days}天）",
                        f"3 days without a new case after the downgrade (now {days})",
                    )
                )
            return LiftCheck(not unmet, None, tuple(unmet), "RULES §3.3 高风险区")
        need_quiet(7)
        need_round(base + timedelta(days=7), ("第7天全员核酸筛查未全阴", "no all-negative round on day 7"))
        return LiftCheck(not unmet, None, tuple(unmet), "RULES §3.3 中风险区")
    need_quiet(5)
    need_round(base + timedelta(days=5), ("第5天全员核酸筛查未全阴", "no all-negative round on day 5"))
    return LiftCheck(not unmet, None, tuple(unmet), "RULES §3.3 二十条")


def is_fever(temperature: float | None) -> bool:
    return temperature is not None and temperature >= FEVER_C


def temperature_problem(temperature: float | None) -> tuple[str, str] | None:
    if temperature is not None and not 34.0 <= temperature <= 43.0:
        return ("体温应在34-43℃之间", "the temperature must be between 34 and 43 ℃")
    return None
