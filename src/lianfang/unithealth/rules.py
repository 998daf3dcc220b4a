"""Pure policy for unit health monitoring: the daily report and its closing time, what counts as
abnormal, sick-absence early warnings per unit type, and the four medicine classes whose sale raises a
testing duty (pop-up ④). Every function is handed `now`/`today`; nothing here reads the clock.

Sources:
- MISSION R14 (S0): 戴口罩、量体温作为规定动作; 建立因病缺勤报告制度. RULES.md §6: schools keep 晨午检,
  因病缺勤缺课追踪登记, and file a "日报告" and a "零报告" (a report even when nothing is abnormal).
- MISSION R12 (S0): dispatch and housekeeping staff are managed at the source, through their company:
  a person placed by two different companies at once is a conflict (`placement_conflict`).
- The daily report closes at 24:00 of its day (不过夜, MISSION R2, S4): afterwards it can be neither
  filed nor corrected; a street can see at once who did not report.
- Early-warning thresholds: the examples of issue 9 (3 absences with the same symptom in one class in a
  day, or 5 in 3 days) — derived, not sourced (RULES.md §9); each unit type may set its own.
- Pop-up ④ (RULES.md §4.3): buying one of the "四类药物" (退热、止咳、抗病毒、抗菌素; the exact list is
  not verified) raises a test duty, cleared once a nucleic-acid result after the purchase is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from lianfang.core.clock import SHANGHAI, end_of_local_day, local_date
from lianfang.core.errors import Problem

EDITION = "S0-2020+S4-2021-10-24"

FEVER_CELSIUS = 37.3  # 体温≥37.3℃ is the usual 发热 screening threshold
TEMPERATURE_RANGE = (34.0, 43.0)
MAX_ENTRIES = 5_000
NOTE_MAX = 500

SYMPTOMS: dict[str, tuple[str, str]] = {
    "fever": ("发热", "Fever"),
    "cough": ("咳嗽", "Cough"),
    "sore_throat": ("咽痛", "Sore throat"),
    "fatigue": ("乏力", "Fatigue"),
    "diarrhoea": ("腹泻", "Diarrhoea"),
    "smell_taste": ("嗅（味）觉减退", "Loss of smell or taste"),
    "vomiting": ("呕吐", "Vomiting"),
    "rash": ("皮疹", "Rash"),
    "other": ("其他", "Other"),
}

MEDICINE_CLASSES: dict[str, tuple[str, str]] = {
    "fever": ("退热类", "Fever reducers"),
    "cough": ("止咳类", "Cough medicine"),
    "antiviral": ("抗病毒类", "Antivirals"),
    "antibiotic": ("抗菌素类", "Antibiotics"),
}
POPUP_MEDICINE = "4"
DUTY_REASON_MEDICINE = "medicine_purchase"
DUTY_CLEARS_ON = "test_after_start"


# --- daily report ------------------------------------------------------------------------------------


def closes_at(report_date: date) -> datetime:
    """24:00 Asia/Shanghai of the report's day, as aware UTC (不过夜)."""
    return datetime.combine(report_date + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def date_problem(report_date: date, now: datetime, field: str = "report_date") -> Problem | None:
    """A report is for today (local) or an earlier day that has not closed; never for a future day."""
    today = local_date(now)
    if report_date > today:
        return Problem(field, "不能为将来的日期填报", "you cannot report for a future day")
    if now >= closes_at(report_date):
        return Problem(
            field,
            f"{report_date.isoformat()}的报告已于当日24时截止，不能再填报或更正",
            f"the report for {report_date.isoformat()} closed at 24:00 that day; it can no longer be "
            "filed or corrected",
        )
    return None


def is_abnormal(temperature: float | None, mask_ok: bool, symptoms: Sequence[str]) -> bool:
    return (temperature is not None and temperature >= FEVER_CELSIUS) or not mask_ok or bool(symptoms)


def temperature_problem(value: float | None, field: str, row: int | None) -> Problem | None:
    low, high = TEMPERATURE_RANGE
    if value is not None and not low <= value <= high:
        return Problem(
            field, f"体温应在{low}至{high}℃之间", f"a temperature is between {low} and {high} °C", row
        )
    return None


def symptoms_problem(codes: Iterable[str], field: str = "symptoms", row: int | None = None) -> Problem | None:
    bad = sorted(set(codes) - set(SYMPTOMS))
    if bad:
        return Problem(field, f"未知症状：{'、'.join(bad)}", f"unknown symptoms: {', '.join(bad)}", row)
    return None


def zero_report_problem(zero_report: bool, abnormal_count: int) -> Problem | None:
    if zero_report and abnormal_count:
        return Problem(
            "zero_report",
            "有异常人员时不能报“零报告”，请逐人填报",
            "a zero report means nothing is abnormal; report the abnormal people one by one",
        )
    return None


def placement_conflict(
    placements: Sequence[tuple[str, int | None]], field: str = "person_id", row: int | None = None
) -> Problem | None:
    """A person's active memberships as (role, placing company id): managed at the source (R12) means
    one company at a time, and a student studies at one school at a time."""
    companies = {via for _role, via in placements if via is not None}
    if len(companies) > 1:
        return Problem(
            field,
            "该人员同时由多家派遣/家政公司派出，请先在单位名册中更正",
            "this person is placed by more than one dispatch or housekeeping company; correct the staff "
            "lists first",
            row,
        )
    if sum(1 for role, _via in placements if role == "student") > 1:
        return Problem(
            field,
            "该人员同时是多所学校的学生，请先在单位名册中更正",
            "this person is a student of more than one school; correct the staff lists first",
            row,
        )
    return None


# --- sick absences and early warnings ---------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceRule:
    code: str
    threshold: int  # at least this many absences ...
    window_days: int  # ... within this many days (1 = the same day)
    same_group: bool = True  # ... in one class / group
    same_symptom: bool = True  # ... with the same symptom

    def describe(self) -> tuple[str, str]:
        zh = f"{self.window_days}天内{'同一班级/部门' if self.same_group else ''}"
        zh += f"{'相同症状' if self.same_symptom else ''}因病缺勤≥{self.threshold}人"
        en = f"≥{self.threshold} sick absences within {self.window_days} day(s)"
        en += " in one class/group" if self.same_group else ""
        en += " with the same symptom" if self.same_symptom else ""
        return zh, en


SCHOOL_RULES = (AbsenceRule("day3", 3, 1), AbsenceRule("days3_5", 5, 3))
WORKPLACE_RULES = (AbsenceRule("day5", 5, 1, same_group=True, same_symptom=True),)
DEFAULT_RULES: dict[str, tuple[AbsenceRule, ...]] = {
    "school": SCHOOL_RULES,
    "kindergarten": SCHOOL_RULES,
}
MAX_WINDOW_DAYS = 14


def rules_for_kind(kind: str, overrides: Sequence[tuple[AbsenceRule, bool]] = ()) -> list[AbsenceRule]:
    """The edition's rules for a unit type, each replaced (or switched off) by the type's own setting
    with the same code; settings with new codes are added."""
    by_code = {r.code: r for r in DEFAULT_RULES.get(kind, WORKPLACE_RULES)}
    for rule, active in overrides:
        if active:
            by_code[rule.code] = rule
        else:
            by_code.pop(rule.code, None)
    return list(by_code.values())


def rule_problems(code: str, threshold: int, window_days: int) -> list[Problem]:
    problems = []
    if not code or len(code) > 40 or not code.replace("_", "").isalnum():
        problems.append(Problem("code", "规则代码为1-40位字母数字", "a rule code is 1-40 letters or digits"))
    if not 2 <= threshold <= 1000:
        problems.append(Problem("threshold", "人数阈值应在2至1000之间", "the threshold is 2 to 1000"))
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        problems.append(
            Problem(
                "window_days",
                f"时间窗应为1至{MAX_WINDOW_DAYS}天",
                f"the window is 1 to {MAX_WINDOW_DAYS} days",
            )
        )
    return problems


@dataclass(frozen=True)
class Absence:
    day: date
    group: str
    symptoms: frozenset[str]


@dataclass(frozen=True)
class Trigger:
    rule: AbsenceRule
    group: str
    symptom: str
    window_start: date
    window_end: date
    count: int


def triggers(rules: Sequence[AbsenceRule], absences: Sequence[Absence], today: date) -> list[Trigger]:
    """The rules that fire for windows ending `today`: counts per (group, symptom) cluster."""
    fired: list[Trigger] = []
    for rule in rules:
        start = today - timedelta(days=rule.window_days - 1)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for a in absences:
            if not start <= a.day <= today:
                continue
            group = a.group if rule.same_group else ""
            for symptom in sorted(a.symptoms) if rule.same_symptom else [""]:
                counts[(group, symptom)] += 1
        for (group, symptom), n in sorted(counts.items()):
            if n >= rule.threshold:
                fired.append(Trigger(rule, group, symptom, start, today, n))
    return fired


def alert_deadline(now: datetime) -> datetime:
    """The district CDC looks into an alert the same day (不过夜), with at least 2 hours to do so
    (RULES.md §6: 2-hour reporting and verification targets)."""
    return max(end_of_local_day(now), now + timedelta(hours=2))


def district_id(path: str) -> int | None:
    """The district of a materialised path city/district/street/community ("/1/4/17/30/" -> 4)."""
    parts = [p for p in path.strip("/").split("/") if p]
    return int(parts[1]) if len(parts) >= 2 else None


# --- pharmacy sales ----------------------------------------------------------------------------------


def sale_problems(medicine_class: str, medicine_name: str, quantity: int, client_ref: str) -> list[Problem]:
    problems = []
    if medicine_class not in MEDICINE_CLASSES:
        problems.append(
            Problem(
                "medicine_class",
                "药品类别应为退热、止咳、抗病毒或抗菌素类",
                "the medicine class is fever, cough, antiviral or antibiotic",
            )
        )
    if not medicine_name.strip() or len(medicine_name) > 120:
        problems.append(Problem("medicine_name", "请填写药品名称（最多120字）", "name the medicine (≤120)"))
    if not 1 <= quantity <= 1000:
        problems.append(Problem("quantity", "数量应在1至1000之间", "the quantity is 1 to 1000"))
    if not client_ref.strip() or len(client_ref) > 64:
        problems.append(
            Problem("client_ref", "请填写小票号（最多64字）", "give the receipt number (≤64 characters)")
        )
    return problems


def duty_cleared_by(started_at: datetime, tested_at: datetime) -> bool:
    """Pop-up ④ clears with a nucleic-acid result for a sample taken after the duty started."""
    return tested_at >= started_at
