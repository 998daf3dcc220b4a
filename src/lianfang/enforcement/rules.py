"""Pure policy for inspections and enforcement: the checklist per unit or venue type, the rectification
deadline, inspection and finding states, which venue types are closed, the event register's decisions,
violation categories, the laws cited and the dispositions, and the "zero infection" record.
Every function is handed `now`/`today`; nothing here reads the clock or the database.

Sources (../shared/MISSION.md and seeds):
- R6 (S4): 加大疫情防控监督检查…对发现的问题立行立改 — a finding is fixed at once: its rectification
  deadline is 24:00 of the inspection's day unless the inspector gives another (at most 30 days).
- R14 (S0): 做好会议室、食堂、集体宿舍、卫生间、电梯间等消毒通风; 戴口罩、量体温; 因病缺勤报告制度;
  物业、保洁、后勤人员筛查; 地下室等密闭空间降低人员密度 — the workplace checklist items.
- R13 (S4): 各类公共场所和社区、单位严格扫码登记 — the scan-code item of every checklist.
- R15 (S0): 自觉接受辖区防疫监督检查…创建"零感染"单位 — the zero-infection record.
- R16 (S4): 抓好学校疫情防控和医疗机构防院感工作，加强私人诊所、小诊所、药店防疫检查，对暂停开放棋牌室等密闭
  活动场所要严格执行 — school, hospital, clinic and pharmacy checklists; closed venue types.
- R17 (S4): 压减会议论坛，北京马拉松赛推后举行 — the event register (postponed / cancelled).
- R23 (S4): 落实突发公共卫生事件应急条例，对违反防疫规定、隐瞒旅居史密接史、出现症状不主动报告的人员要依法
  处理，对单位防疫不力的要追究责任 — violation categories and the laws cited. Article numbers are left
  to the decider (a free-text field), except 刑法第三百三十条 (妨害传染病防治罪), which names the crime.
- Pop-up ④ and the four medicine classes: RULES.md §4.3 (used by the pharmacy checklist item).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lianfang.core.clock import end_of_local_day
from lianfang.core.errors import Problem

EDITION = "S0-2020+S4-2021-10-24"

Item = tuple[str, str, str]  # code, zh, en

_COMMON: tuple[Item, ...] = (
    ("masks_temperature", "人员佩戴口罩、进门测温", "Masks worn; temperature checked at the door"),
    ("scan_registration", "扫码登记落实到位", "Scan-code registration in place"),
)
_WORKPLACE: tuple[Item, ...] = (
    ("meeting_rooms", "会议室消毒通风", "Meeting rooms disinfected and ventilated"),
    ("canteen", "食堂消毒通风、分餐错峰", "Canteen disinfected and ventilated"),
    ("dormitories", "集体宿舍消毒通风", "Dormitories disinfected and ventilated"),
    ("toilets", "卫生间消毒通风", "Toilets disinfected and ventilated"),
    ("lifts", "电梯间消毒通风", "Lifts disinfected and ventilated"),
    ("basement_density", "地下室等密闭空间降低人员密度", "Lower density in basements and closed spaces"),
    ("support_staff", "物业、保洁、后勤人员健康筛查", "Property, cleaning and logistics staff screened"),
    ("daily_report", "健康日报和因病缺勤报告制度落实", "Daily health report and sick-absence reporting kept"),
)
CHECKLISTS: dict[str, tuple[Item, ...]] = {
    "workplace": _COMMON + _WORKPLACE,
    "school": _COMMON
    + _WORKPLACE
    + (("morning_check", "晨午检和因病缺勤缺课追踪登记", "Morning and noon checks; absences traced"),),
    "hospital": (
        *_COMMON,
        ("nosocomial", "医疗机构防院感措施落实", "Nosocomial infection control in place"),
        (
            "fever_patients",
            "发热等症状患者按规定登记报告",
            "Patients with fever and other symptoms registered",
        ),
    ),
    "clinic": (
        *_COMMON,
        (
            "fever_patients",
            "发热等症状患者按规定登记报告",
            "Patients with fever and other symptoms registered",
        ),
    ),
    "pharmacy": (
        *_COMMON,
        (
            "medicine_buyers",
            "四类药品购买者实名登记",
            "Buyers of the four medicine classes registered by name",
        ),
    ),
    "venue": (
        *_COMMON,
        ("ventilation", "场所消毒通风、控制人流密度", "Venue disinfected, ventilated, crowding limited"),
    ),
    "closed_venue": (("stays_closed", "暂停开放要求严格执行", "The venue stays closed as ordered"),),
}
CHECKLIST_NAMES: dict[str, tuple[str, str]] = {
    "workplace": ("机关企事业单位", "Workplace"),
    "school": ("学校、幼儿园", "School / kindergarten"),
    "hospital": ("医院（防院感）", "Hospital (nosocomial infection)"),
    "clinic": ("私人诊所、小诊所", "Private and small clinics"),
    "pharmacy": ("药店", "Pharmacy"),
    "venue": ("公共场所", "Public venue"),
    "closed_venue": ("暂停开放的场所", "Venue ordered closed"),
}
_UNIT_CHECKLIST = {
    "school": "school",
    "kindergarten": "school",
    "hospital": "hospital",
    "clinic": "clinic",
    "pharmacy": "pharmacy",
}
_VENUE_CHECKLIST = {"school": "school", "hospital": "hospital", "clinic": "clinic", "pharmacy": "pharmacy"}
RESULTS = ("pass", "fail", "na")

# Venue types closed by the edition's rule set: 暂停开放棋牌室等密闭活动场所 (R16, S4). A closure order
# makes them closed in a jurisdiction; the other enclosed types can be ordered closed too.
CLOSED_VENUE_KINDS: dict[str, frozenset[str]] = {EDITION: frozenset({"chess_card_room"})}

RECTIFY_MAX_DAYS = 30
FINDING_STATES: dict[str, tuple[str, str]] = {
    "open": ("待整改", "Open"),
    "responded": ("已反馈", "Responded"),
    "rectified": ("已整改", "Rectified"),
    "not_rectified": ("复查未通过", "Not rectified"),
}
INSPECTION_STATES: dict[str, tuple[str, str]] = {
    "passed": ("合格", "Passed"),
    "rectifying": ("整改中", "Rectifying"),
    "closed": ("已闭环", "Closed"),
}
OPEN_FINDING_STATES = ("open", "responded", "not_rectified")


def checklist_for(target_type: str, kind: str, closed: bool = False) -> str:
    if closed:
        return "closed_venue"
    if target_type == "unit":
        return _UNIT_CHECKLIST.get(kind, "workplace")
    return _VENUE_CHECKLIST.get(kind, "venue")


def results_problems(checklist: str, results: dict[str, str]) -> list[Problem]:
    """Every item of the checklist has a result (pass, fail or n/a); no item outside it."""
    codes = [code for code, _zh, _en in CHECKLISTS[checklist]]
    problems = []
    missing = [c for c in codes if c not in results]
    if missing:
        problems.append(
            Problem(
                "results",
                f"以下检查项未填写结果：{'、'.join(missing)}",
                f"items without a result: {', '.join(missing)}",
            )
        )
    unknown = sorted(set(results) - set(codes))
    if unknown:
        problems.append(
            Problem(
                "results",
                f"不在检查表中的项目：{'、'.join(unknown)}",
                f"not on the checklist: {', '.join(unknown)}",
            )
        )
    bad = sorted(c for c, r in results.items() if r not in RESULTS)
    if bad:
        problems.append(
            Problem("results", "检查结果应为合格、不合格或不适用", "a result is pass, fail or n/a")
        )
    return problems


def default_deadline(now: datetime) -> datetime:
    """立行立改: 24:00 of the inspection's local day."""
    return end_of_local_day(now)


def deadline_problem(deadline: datetime | None, now: datetime, row: int | None = None) -> Problem | None:
    if deadline is None:
        return Problem(
            "deadline",
            "问题须有整改期限（立行立改：默认当日24时前）",
            "a finding needs a rectification deadline (立行立改: by default 24:00 today)",
            row,
        )
    if deadline.tzinfo is None:
        return Problem("deadline", "整改期限缺少时区", "the deadline has no time zone", row)
    if deadline <= now:
        return Problem("deadline", "整改期限必须晚于现在", "the deadline must be in the future", row)
    if deadline > now + timedelta(days=RECTIFY_MAX_DAYS):
        return Problem(
            "deadline",
            f"整改期限最长{RECTIFY_MAX_DAYS}天",
            f"a deadline is at most {RECTIFY_MAX_DAYS} days away",
            row,
        )
    return None


def findings_problems(results: dict[str, str], finding_items: list[str]) -> list[Problem]:
    """Each failed item has a finding, and each finding is about a failed item."""
    failed = {c for c, r in results.items() if r == "fail"}
    problems = []
    uncovered = sorted(failed - set(finding_items))
    if uncovered:
        problems.append(
            Problem(
                "findings",
                f"不合格项须登记问题和整改期限：{'、'.join(uncovered)}",
                f"failed items need a finding: {', '.join(uncovered)}",
            )
        )
    stray = sorted(set(finding_items) - failed)
    if stray:
        problems.append(
            Problem(
                "findings",
                f"问题对应的检查项未判为不合格：{'、'.join(stray)}",
                f"findings on items that did not fail: {', '.join(stray)}",
            )
        )
    return problems


def inspection_state(open_findings: int) -> str:
    return "rectifying" if open_findings else "passed"


def is_overdue(state: str, deadline: datetime, now: datetime) -> bool:
    return state in OPEN_FINDING_STATES and now >= deadline


# --- closed venue types -------------------------------------------------------------------------------


def closed_kinds(edition: str = EDITION) -> frozenset[str]:
    return CLOSED_VENUE_KINDS[edition]


def order_problems(kind: str, known_kinds: frozenset[str], reason: str) -> list[Problem]:
    problems = []
    if kind not in known_kinds:
        problems.append(Problem("venue_kind", f"场所类型“{kind}”无效", f"unknown venue type {kind!r}"))
    if not reason.strip() or len(reason.strip()) > 255:
        problems.append(Problem("reason", "请填写关停依据（最多255字）", "give the reason (≤255 characters)"))
    return problems


# --- events (R17) -------------------------------------------------------------------------------------

DECISIONS: dict[str, tuple[str, str]] = {
    "pending": ("待研判", "Pending"),
    "postponed": ("推迟举办", "Postponed"),
    "cancelled": ("取消", "Cancelled"),
    "scaled_down": ("压减规模举办", "Held, scaled down"),
    "approved": ("按计划举办", "Held as planned"),
}


def event_problems(name: str, organiser: str, expected_size: int) -> list[Problem]:
    problems = []
    if not name.strip() or len(name) > 200:
        problems.append(Problem("name", "请填写活动名称（最多200字）", "name the event (≤200 characters)"))
    if not organiser.strip() or len(organiser) > 200:
        problems.append(
            Problem("organiser", "请填写主办方（最多200字）", "name the organiser (≤200 characters)")
        )
    if not 1 <= expected_size <= 1_000_000:
        problems.append(Problem("expected_size", "预计规模应在1至100万人之间", "the size is 1 to 1,000,000"))
    return problems


def decision_problem(decision: str, planned: date, new_date: date | None) -> Problem | None:
    if decision not in DECISIONS or decision == "pending":
        return Problem("decision", "请选择研判结果", "choose a decision")
    if decision == "postponed" and (new_date is None or new_date <= planned):
        return Problem(
            "new_date", "推迟举办须填写晚于原定日期的新日期（可暂定）", "a postponement needs a later date"
        )
    if decision != "postponed" and new_date is not None:
        return Problem("new_date", "只有推迟举办才填写新日期", "only a postponement has a new date")
    return None


# --- violations (R23) ---------------------------------------------------------------------------------

CATEGORIES: dict[str, tuple[str, str, str]] = {  # code: (zh, en, subject type)
    "hid_travel": ("隐瞒旅居史", "Hid travel history", "person"),
    "hid_contact": ("隐瞒密接史", "Hid contact history", "person"),
    "unreported_symptoms": ("出现症状不主动报告", "Did not report symptoms", "person"),
    "refused_measures": ("拒不执行防疫规定", "Refused prevention measures", "person"),
    "unit_duty_failure": ("单位防疫不力", "Unit failed its prevention duties", "unit"),
    "closed_venue_operating": ("违规开放暂停营业场所", "Operated a venue ordered closed", "unit"),
    "unit_no_rectification": ("逾期未整改", "Did not rectify by the deadline", "unit"),
}
LAWS: dict[str, tuple[str, str]] = {
    "infectious_disease_law": (
        "《中华人民共和国传染病防治法》",
        "Law on the Prevention and Treatment of Infectious Diseases",
    ),
    "emergency_regulation": ("《突发公共卫生事件应急条例》", "Regulations on Public Health Emergencies"),
    "beijing_emergency_regulation": (
        "《北京市突发公共卫生事件应急条例》",
        "Beijing Regulations on Public Health Emergencies",
    ),
    "public_security_penalties_law": (
        "《中华人民共和国治安管理处罚法》",
        "Public Security Administration Punishments Law",
    ),
    "criminal_law_330": (
        "《中华人民共和国刑法》第三百三十条（妨害传染病防治罪）",
        "Criminal Law art. 330 (obstructing infectious disease prevention)",
    ),
}
DISPOSITIONS: dict[str, tuple[str, str, frozenset[str]]] = {  # code: (zh, en, subject types)
    "education": ("批评教育", "Criticism and education", frozenset({"person", "unit"})),
    "warning": ("警告", "Warning", frozenset({"person", "unit"})),
    "fine": ("罚款", "Fine", frozenset({"person", "unit"})),
    "detention": ("行政拘留", "Administrative detention", frozenset({"person"})),
    "transferred": ("移送司法机关", "Transferred to the judicial authorities", frozenset({"person", "unit"})),
    "rectification_order": ("责令整改", "Ordered to rectify", frozenset({"unit"})),
    "interview": ("约谈", "Summoned for a talk (约谈)", frozenset({"unit"})),
    "public_notice": ("通报曝光", "Publicly named", frozenset({"unit"})),
    "accountability": ("追究责任", "Held accountable", frozenset({"unit"})),
    "no_action": ("不予处理", "No action", frozenset({"person", "unit"})),
}


def violation_problems(
    category: str, subject_type: str, facts: str, law_code: str, occurred_on: date | None, today: date
) -> list[Problem]:
    problems = []
    if category not in CATEGORIES:
        problems.append(Problem("category", "请选择违法违规类型", "choose a category"))
    elif CATEGORIES[category][2] != subject_type:
        problems.append(
            Problem(
                "category",
                "该类型与当事方（个人/单位）不符",
                "this category does not fit the subject (person or unit)",
            )
        )
    if not facts.strip() or len(facts) > 5000:
        problems.append(
            Problem("facts", "请写明违法事实（最多5000字）", "describe the facts (≤5000 characters)")
        )
    if law_code not in LAWS:
        problems.append(Problem("law_code", "请选择适用的法律法规", "cite the law or regulation"))
    if occurred_on is None:
        problems.append(Problem("occurred_on", "请填写发生日期", "give the date it happened"))
    elif occurred_on > today:
        problems.append(Problem("occurred_on", "发生日期不能晚于今天", "the date cannot be in the future"))
    return problems


def disposition_problem(subject_type: str, disposition: str, note: str) -> Problem | None:
    found = DISPOSITIONS.get(disposition)
    if found is None:
        return Problem("disposition", "请选择处理结果", "choose a disposition")
    if subject_type not in found[2]:
        return Problem(
            "disposition", f"“{found[0]}”不适用于此当事方", f"{found[1]} does not apply to this subject"
        )
    if len(note) > 1000:
        return Problem("note", "说明最多1000字", "the note has at most 1000 characters")
    return None


# --- the zero-infection record (R15) ------------------------------------------------------------------


@dataclass(frozen=True)
class ZeroInfection:
    qualifies: bool
    reasons: tuple[tuple[str, str], ...]


def zero_infection(
    infections: int, inspections: int, overdue_findings: int, violations: int
) -> ZeroInfection:
    """A "零感染" unit: no infection among its people, inspected at least once, no finding left past its
    deadline, and no violation held against it."""
    reasons: list[tuple[str, str]] = []
    if infections:
        reasons.append((f"有{infections}例感染", f"{infections} infection(s) recorded"))
    if not inspections:
        reasons.append(("尚未接受监督检查", "not inspected yet"))
    if overdue_findings:
        reasons.append((f"{overdue_findings}个问题逾期未整改", f"{overdue_findings} finding(s) overdue"))
    if violations:
        reasons.append((f"有{violations}起违规记录", f"{violations} violation(s) recorded"))
    return ZeroInfection(not reasons, tuple(reasons))


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"})


def attachment_problems(content: bytes, content_type: str) -> list[Problem]:
    if not content:
        return [Problem("file", "附件为空", "the file is empty")]
    if len(content) > ATTACHMENT_MAX_BYTES:
        return [Problem("file", "附件不能超过10MB", "files are at most 10 MB")]
    if content_type not in IMAGE_TYPES:
        return [
            Problem(
                "file", "只接受照片（JPEG/PNG/WebP/HEIC）或PDF", "only photos (JPEG/PNG/WebP/HEIC) or PDF"
            )
        ]
    return []
