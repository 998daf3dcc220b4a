"""Supervision policy for assignments (督办事项): states, who moves them, deadlines, reminders, escalation.

Sources (see ../shared/MISSION.md):
- R2, S4 (129th meeting, 2021-10-24): "抓好督办检查，确保落实市里部署要求不过夜" — every directive has an
  owner and a deadline, by default the end of the same local day; progress is supervised; what is late
  escalates. Here: `default_deadline` is 24:00 Asia/Shanghai of the day of issue, and a late item climbs
  the jurisdiction tree one level per `escalate_hours` ("one level supervising the next", R1).
- R6, S4: supervision and inspection; problems are fixed at once (立行立改) — the issuer may return an item
  whose work is not good enough, and the owner resumes it.

Pure: every function is handed `now`; nothing here reads the clock or touches the database. The hours
come from settings (`assignment_remind_hours`, `assignment_escalate_hours`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from lianfang.core.clock import end_of_local_day
from lianfang.core.errors import Problem

EDITION = "S4-2021-10-24"  # the rule set: the 129th joint meeting's "不过夜" requirement

OPEN_STATES = ("issued", "acknowledged", "in_progress", "returned")
CLOSED_STATES = ("done", "cancelled")
STATES = OPEN_STATES + CLOSED_STATES
STATE_NAMES: dict[str, tuple[str, str]] = {
    "issued": ("已下发", "Issued"),
    "acknowledged": ("已签收", "Acknowledged"),
    "in_progress": ("办理中", "In progress"),
    "returned": ("已退回", "Returned"),
    "done": ("已办结", "Done"),
    "cancelled": ("已撤销", "Cancelled"),
}

Side = Literal["owner", "issuer"]


@dataclass(frozen=True)
class Transition:
    """A verb that moves an item from one of `sources` to `target`, done by one side."""

    verb: str
    sources: frozenset[str]
    target: str
    side: Side
    needs_text: bool  # a completion note or a reason is required


TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition("acknowledge", frozenset({"issued"}), "acknowledged", "owner", False),
        Transition("start", frozenset({"acknowledged", "returned"}), "in_progress", "owner", False),
        Transition("complete", frozenset({"acknowledged", "in_progress"}), "done", "owner", True),
        Transition("return", frozenset({"in_progress", "done"}), "returned", "issuer", True),
        Transition("cancel", frozenset(OPEN_STATES), "cancelled", "issuer", False),
    )
}
VERB_NAMES: dict[str, tuple[str, str]] = {
    "acknowledge": ("签收", "Acknowledge"),
    "start": ("开始办理", "Start work"),
    "complete": ("办结", "Complete"),
    "return": ("退回", "Return"),
    "cancel": ("撤销", "Cancel"),
}


def transition_target(verb: str, state: str) -> str | None:
    """The state `verb` leads to from `state`, or None when the move is not allowed."""
    rule = TRANSITIONS.get(verb)
    if rule is None or state not in rule.sources:
        return None
    return rule.target


def allowed_verbs(state: str, sides: frozenset[Side]) -> list[str]:
    """Verbs an actor standing on `sides` may use on an item in `state`, in table order."""
    return [t.verb for t in TRANSITIONS.values() if t.side in sides and state in t.sources]


def is_open(state: str) -> bool:
    return state in OPEN_STATES


def is_late(state: str, deadline: datetime, now: datetime) -> bool:
    """Late from the deadline instant on, for as the item is open."""
    return is_open(state) and now >= deadline


def default_deadline(now: datetime) -> datetime:
    """不过夜: 24:00 Asia/Shanghai of the day of issue."""
    return end_of_local_day(now)


def remind_time(deadline: datetime, issued_at: datetime, remind_hours: float) -> datetime | None:
    """deadline − remind_hours; None when reminders are off (0 hours) or that moment is not after the
    issue (an item issued inside the reminder window is its own reminder)."""
    if remind_hours <= 0:
        return None
    moment = deadline - timedelta(hours=remind_hours)
    return moment if moment > issued_at else None


def path_ids(path: str) -> list[str]:
    """ "/1/4/17/" -> ["1", "4", "17"]."""
    return [part for part in path.strip("/").split("/") if part]


def ancestor_path(path: str, levels_up: int) -> str:
    """The path `levels_up` levels above `path`, stopping at the root."""
    ids = path_ids(path)
    keep = max(1, len(ids) - levels_up)
    return "/" + "/".join(ids[:keep]) + "/"


def parent_path(path: str) -> str:
    return ancestor_path(path, 1)


def max_level(owner_path: str) -> int:
    """How far an item owned at `owner_path` can climb: to the root, never past it."""
    return max(0, len(path_ids(owner_path)) - 1)


def escalation_target(
    now: datetime, deadline: datetime, owner_path: str, escalate_hours: float
) -> tuple[int, str]:
    """(level, watch_path) an item should have at `now`.

    Before the deadline: level 0, watched by the owner itself. At the deadline the item is late and the
    owner's parent jurisdiction watches it (level 1); every further `escalate_hours` it climbs one more
    level, never past the root."""
    if now < deadline:
        return 0, owner_path
    steps = (now - deadline) // timedelta(hours=escalate_hours)
    level = min(1 + steps, max_level(owner_path))
    return level, ancestor_path(owner_path, level)


def next_escalation_at(
    deadline: datetime, level: int, owner_path: str, escalate_hours: float
) -> datetime | None:
    """When an item now at `level` is due to climb again; None once it is watched by the root."""
    if level >= max_level(owner_path):
        return None
    if level <= 0:
        return deadline
    return deadline + level * timedelta(hours=escalate_hours)


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
BULK_MAX = 500
BOARD_DAYS = 7  # the board's completion window
NOTE_MAX = 5_000
_KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")


def issue_problems(
    now: datetime,
    title: str,
    body: str,
    deadline: datetime,
    kind: str,
    group: str | None,
    subject_type: str | None,
    subject_id: str | None,
) -> list[Problem]:
    """What is wrong with the inputs of a new item (all stripped by the caller)."""
    problems: list[Problem] = []
    if not title or len(title) > 200:
        problems.append(
            Problem("title", "标题不能为空，最多200字", "a title of 1-200 characters is required")
        )
    if len(body) > 10_000:
        problems.append(Problem("body", "内容最多10000字", "the text has at most 10000 characters"))
    if deadline.tzinfo is None:
        problems.append(Problem("deadline", "截止时间缺少时区", "the deadline has no time zone"))
    elif deadline <= now:
        problems.append(Problem("deadline", "截止时间必须晚于现在", "the deadline must be in the future"))
    if not _KIND.match(kind):
        problems.append(Problem("kind", "类型代码无效", "kind: 1-40 of a-z 0-9 _ . -"))
    if group is not None and len(group) > 64:
        problems.append(
            Problem("owner_group", "工作组代码最多64字", "a group code has at most 64 characters")
        )
    if (
        (subject_type is None) != (subject_id is None)
        or len(subject_type or "") > 40
        or len(subject_id or "") > 64
    ):
        problems.append(
            Problem("subject_type", "关联对象类型与编号须同时填写", "subject type and id go together")
        )
    return problems


def evidence_problems(content: bytes) -> list[Problem]:
    size = len(content)
    if size == 0:
        return [Problem("file", "附件为空", "the file is empty")]
    if size > EVIDENCE_MAX_BYTES:
        mb = EVIDENCE_MAX_BYTES // (1024 * 1024)
        return [Problem("file", f"附件不能超过{mb}MB", f"evidence files are at most {mb} MB")]
    return []


def safe_filename(name: str) -> str:
    """A stored evidence name: no path, quotes or control characters, at most 200 characters."""
    return re.sub(r"[\x00-\x1f\"\\/]", "_", name).strip()[-200:] or "evidence"
