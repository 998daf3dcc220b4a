"""Pure policy for scan-code registration (扫码登记). Takes `now`/`today`; no clock, no I/O.

- RULES.md §4.4 (Beijing Health Kit 3.0, 2020-06-25): a venue's registrar applies for the register's QR
  code and posts it; a visitor's scan registers the visit and shows their health status at once; an
  abnormal status sounds an ambulance-call alert; only a registrar whose own status is green ("未见异常")
  may apply; a registrar who turns abnormal has their registers suspended; large places use several
  registrars and codes; what is shown is masked (surname, first and last two ID characters).
- How long a visit lasts when nobody checks out: `venues.rules.rules_for(today).default_stay_minutes`.
- The numbers below (clock skew, longest stay, retention default, partitions kept ahead) are engineering
  choices, not regulation: RULES.md gives none. Retention is a setting (`scan_retention_days`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.errors import Problem
from lianfang.venues.rules import is_code, rules_for

EDITION = "2020-06"  # Health Kit 3.0 (RULES.md §4.4)
DEFAULT_RETENTION_DAYS = 28
MAX_FUTURE = timedelta(minutes=10)  # device clocks drift; a scan from further ahead is refused
MAX_STAY = timedelta(hours=24)  # a longer stay is a new scan tomorrow; bounds every tracing query
PARTITIONS_BEHIND, PARTITIONS_AHEAD = 1, 7
MAX_BATCH = 100_000  # rows in one uploaded batch
KEY = re.compile(r"[A-Za-z0-9._:\-]{1,64}")  # fullmatch: safe in COPY text and URLs
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,64}")
LABEL_MAX = 80


@dataclass(frozen=True)
class Status:
    """A person's health status as the door shows it. `known` is False for the neutral placeholder."""

    colour: str  # green | yellow | red | grey
    label_zh: str
    label_en: str
    known: bool = True
    popups: str = ""  # health-code pop-ups ("1,4"): the door must not treat it as a plain green

    @property
    def normal(self) -> bool:
        return self.known and self.colour == "green" and not self.popups

    @property
    def alert(self) -> bool:
        """Abnormal: staff at the door must notice (strong visual and the ambulance-call sound)."""
        return self.known and (self.colour in {"yellow", "red"} or bool(self.popups))


@dataclass(frozen=True)
class PersonInfo:
    """A visitor as the door shows them: masked (surname; first and last ID characters)."""

    person_id: int
    name_masked: str
    id_masked: str


def unknown_person(key: str, row: int | None = None) -> Problem:
    field = "person_pseudonym" if key.startswith("p:") else "id_number"
    return Problem(field, "查无此人（未登记）", "no registered person with this identity", row)


NOT_AVAILABLE = Status("grey", "状态暂不可用", "status not yet available", known=False)


def may_register(status: Status) -> bool:
    """A registrar may hold codes while their own status is normal. Until health codes exist the status
    is the neutral "not available", which does not block (no fabricated green either: see docs)."""
    return status.normal or not status.known


def scan_date(scanned_at: datetime) -> date:
    """The partition day: the local (Asia/Shanghai) calendar day of the scan."""
    return local_date(scanned_at)


class ScanBounds(NamedTuple):
    earliest: datetime
    first_day: date
    last_day: date


def scan_bounds(start: datetime, end: datetime) -> ScanBounds:
    """Where the scans of the visits overlapping [start, end) lie: scanned after `earliest` (no stay
    lasts longer than MAX_STAY) and before `end`, on partition days `first_day` (a day's margin before
    `earliest`'s) to `last_day`. Every query over scans by time is bounded by these."""
    earliest = start - MAX_STAY
    return ScanBounds(earliest, scan_date(earliest) - timedelta(days=1), scan_date(end))


def stay_until(scanned_at: datetime, left_at: datetime | None, kind: str) -> datetime:
    """When the visit ends: the check-out time (at most MAX_STAY), else the venue kind's default stay."""
    if left_at is not None:
        return min(left_at, scanned_at + MAX_STAY)
    return scanned_at + default_stay(scan_date(scanned_at), kind)


def default_stay(day: date, kind: str) -> timedelta:
    """How long a visit of this kind lasts when nobody checks out (the rule set in force that day)."""
    return min(timedelta(minutes=rules_for(day).default_stay_minutes(kind)), MAX_STAY)


def earliest_accepted(today: date, retention_days: int) -> datetime:
    """The first instant whose scans are kept: 00:00 local of the oldest retained day."""
    return datetime.combine(oldest_day(today, retention_days), time(0), tzinfo=SHANGHAI)


def oldest_day(today: date, retention_days: int) -> date:
    """The earliest day whose scans are kept: older days are deleted (whole partitions on PostgreSQL)."""
    return today - timedelta(days=retention_days - 1)


def time_problems(
    scanned_at: datetime, left_at: datetime | None, now: datetime, retention_days: int, row: int | None
) -> list[Problem]:
    problems: list[Problem] = []
    if scanned_at.tzinfo is None:
        problems.append(
            Problem("scanned_at", "扫码时间须带时区", "scanned_at needs a time zone (e.g. +08:00)", row)
        )
        return problems
    if scanned_at > now + MAX_FUTURE:
        problems.append(Problem("scanned_at", "扫码时间晚于当前时间", "scanned_at is in the future", row))
    elif scan_date(scanned_at) < oldest_day(local_date(now), retention_days):
        problems.append(
            Problem(
                "scanned_at",
                f"扫码时间早于{retention_days}天保存期",
                f"scanned_at is older than the {retention_days}-day retention period",
                row,
            )
        )
    if left_at is not None:
        if left_at.tzinfo is None:
            problems.append(Problem("left_at", "离开时间须带时区", "left_at needs a time zone", row))
        elif left_at < scanned_at:
            problems.append(Problem("left_at", "离开时间早于扫码时间", "left_at is before scanned_at", row))
        elif left_at > now + MAX_FUTURE:
            problems.append(Problem("left_at", "离开时间晚于当前时间", "left_at is in the future", row))
    return problems


def checkout_problem(scanned_at: datetime, left_at: datetime, now: datetime) -> Problem | None:
    if left_at < scanned_at:
        return Problem("left_at", "离开时间早于扫码时间", "left_at is before the scan")
    if left_at > now + MAX_FUTURE:
        return Problem("left_at", "离开时间晚于当前时间", "left_at is in the future")
    return None


def key_problem(key: str, row: int | None = None) -> Problem | None:
    if not KEY.fullmatch(key):
        return Problem(
            "idempotency_key",
            "幂等键应为1-64位字母、数字或 . _ : -",
            "idempotency_key: 1-64 characters of A-Z a-z 0-9 . _ : -",
            row,
        )
    return None


def code_reference(raw: str) -> tuple[str, str] | None:
    """What a scanner read: ("token", t) for a QR token or its URL (…/s/{token}), ("venue", code) for the
    venue's short manual-entry code; None when it is neither (a forged or mistyped code)."""
    value = raw.strip()
    if "/s/" in value:
        value = value.rsplit("/s/", 1)[1].split("?", 1)[0].strip("/")
        return ("token", value) if _TOKEN.fullmatch(value) else None
    if is_code(value.upper()):
        return ("venue", value.upper())
    return ("token", value) if _TOKEN.fullmatch(value) else None


def label_problem(label: str) -> Problem | None:
    if len(label.strip()) > LABEL_MAX:
        return Problem("label", f"名称最多{LABEL_MAX}个字符", f"the label has at most {LABEL_MAX} characters")
    return None


def code_state_problem(
    status: str,
    suspended_at: datetime | None,
    expires_at: datetime | None,
    scanned_at: datetime,
    row: int | None,
) -> Problem | None:
    """Whether a code accepts a scan taken at `scanned_at`. A scan from before the suspension (an offline
    gate uploading later) is kept: tracing needs exactly those visits."""
    if status == "revoked":
        return Problem("code", "该场所码已作废", "this venue code has been revoked", row)
    if expires_at is not None and scanned_at >= expires_at:
        return Problem("code", "该场所码已过期", "this venue code has expired", row)
    if status == "suspended" and (suspended_at is None or scanned_at >= suspended_at):
        return Problem("code", "该场所码已停用", "this venue code is suspended", row)
    return None


def venue_state_problem(
    status: str, changed_at: datetime | None, scanned_at: datetime, row: int | None
) -> Problem | None:
    """The venue's short code follows the venue's own status (closed or sealed: no new scans)."""
    if status != "open" and (changed_at is None or scanned_at >= changed_at):
        return Problem(
            "code", "场所已暂停营业或封闭管控，不能登记", "the venue is closed or sealed: no check-in", row
        )
    return None


def partition_days(today: date) -> tuple[date, date]:
    """The partitions the maintenance task keeps ready: yesterday … a week ahead."""
    return today - timedelta(days=PARTITIONS_BEHIND), today + timedelta(days=PARTITIONS_AHEAD)
