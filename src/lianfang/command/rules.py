"""Command and supervision policy (指挥调度、督办). Pure functions, handed `now`; nothing reads the clock.

Sources (../shared/MISSION.md, seeds S0 = 34th meeting 2020-02, S4 = 129th meeting 2021-10-24):
- R1 (S0, S4): one mechanism with an office, working groups and member units, each with a written duty
  ("一办十九组"); districts below; one level supervising the next -> BODY_KINDS, board keys per district.
- R2 (S4): "确保落实市里部署要求不过夜": a directive's deadline defaults to 24:00 Asia/Shanghai of the day
  it is issued (assignments.rules.default_deadline); one assignment per target; late work escalates.
- R3 (S4): work groups sent to a district; other districts guided by their linked city leader.
- R4 (S0): four-party responsibility (属地、部门、单位、个人) -> RESPONSIBILITY_PARTIES.
- R5 (S4): "遇有突发情况第一时间处置并报告": an incident is reported at once and followed up every
  `interval_hours` (default setting `command_followup_hours`) -> followup_deadline.
- R18 (S4): city-wide allocation of investigation, screening, testing and sealing forces -> FORCE_KINDS.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from lianfang.assignments.rules import path_ids
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.errors import Problem

EDITION = "S4-2021-10-24"

DIRECTIVE_KIND = "command.directive"
FOLLOWUP_KIND = "command.incident_followup"

BODY_KINDS: dict[str, tuple[str, str]] = {
    "leadership": ("领导小组", "Leadership group"),
    "office": ("领导小组办公室", "Office"),
    "group": ("工作组", "Working group"),
    "member": ("成员单位", "Member unit"),
}
FORCE_KINDS: dict[str, tuple[str, str]] = {
    "investigation": ("流调队", "Investigation team"),
    "sampling": ("采样队", "Sampling team"),
    "sealing": ("封控队", "Sealing team"),
    "transfer": ("转运队", "Transfer team"),
}
RESPONSIBILITY_PARTIES: dict[str, tuple[str, str]] = {
    "territorial": ("属地责任", "Territorial"),
    "department": ("部门责任", "Department"),
    "unit_party": ("单位责任", "Unit"),
    "individual": ("个人责任", "Individual"),
}
SUBJECT_TYPES = ("unit", "venue")
MAX_TARGETS = 100
FOLLOWUP_HOURS_RANGE = (0.5, 72.0)


def text_problem(field: str, value: str, limit: int, required: bool, zh: str, en: str) -> Problem | None:
    """A required or length-limited text field (`zh`/`en` name the field)."""
    if required and not value:
        return Problem(field, f"请填写{zh}", f"{en} is required")
    if len(value) > limit:
        return Problem(field, f"{zh}最多{limit}字", f"{en} has at most {limit} characters")
    return None


def body_problems(kind: str, code: str, name: str, duties: str) -> list[Problem]:
    problems = [
        p
        for p in (
            text_problem("name", name, 120, True, "名称", "the name"),
            text_problem("duties", duties, 5000, False, "职责", "the duties"),
        )
        if p
    ]
    if kind not in BODY_KINDS:
        problems.append(Problem("kind", "机构类型无效", "kind: leadership, office, group or member"))
    if not code or len(code) > 64 or not all(c.isalnum() or c in "-_." for c in code):
        problems.append(
            Problem("code", "代码为1-64位字母、数字或-_.", "code: 1-64 of letters, digits, - _ .")
        )
    return problems


def deadline_problem(deadline: datetime, now: datetime) -> Problem | None:
    if deadline.tzinfo is None:
        return Problem("deadline", "截止时间缺少时区", "the deadline has no time zone")
    if deadline <= now:
        return Problem("deadline", "截止时间必须晚于现在", "the deadline must be in the future")
    return None


def followup_deadline(moment: datetime, interval_hours: float) -> datetime:
    """When the next follow-up report of an incident is due."""
    return moment + timedelta(hours=interval_hours)


def interval_problem(hours: float) -> Problem | None:
    low, high = FOLLOWUP_HOURS_RANGE
    if not low <= hours <= high:
        return Problem(
            "interval_hours", f"续报间隔为{low}-{high}小时", f"follow-ups every {low} to {high} hours"
        )
    return None


def force_problems(kind: str, name: str, size: int) -> list[Problem]:
    problems = [p for p in (text_problem("name", name, 120, True, "队伍名称", "the team name"),) if p]
    if kind not in FORCE_KINDS:
        problems.append(Problem("kind", "队伍类型无效", "kind: investigation, sampling, sealing or transfer"))
    if not 1 <= size <= 100_000:
        problems.append(Problem("size", "人数为1-100000", "size: 1 to 100000"))
    return problems


def board_district_key(owner_path: str, root_depth: int = 1) -> str:
    """The board row an item counts in: the district (the level below the city root) that contains its
    owner, or the owner's own path when it sits at the city level."""
    ids = path_ids(owner_path)
    keep = min(len(ids), root_depth + 1)
    return "/" + "/".join(ids[:keep]) + "/"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """00:00 and 24:00 of a local day (Asia/Shanghai) as aware UTC. An item belongs to the day whose
    (00:00, 24:00] holds its deadline, so a "不过夜" deadline of 24:00 counts on its own day."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def days_to_refresh(now: datetime, stored: set[date], window: int) -> list[date]:
    """Days the board's history needs: today and yesterday always (their numbers still move), and any
    day of the window that is missing (a worker that was down catches up)."""
    today = local_date(now)
    days = [today - timedelta(days=n) for n in range(window)]
    return sorted(d for d in days if d >= today - timedelta(days=1) or d not in stored)


def rate(done: int, due: int) -> float | None:
    return done / due if due else None
