"""Pure policy for venues (场所): kinds, how long a visit lasts by default, which kinds are small enclosed
spaces, the status a venue is in and who may change it, and the short code staff type in by hand.

- Scan-code registration at every public place (MISSION R13, S4); closed venue types such as chess and
  card rooms stay closed (R16, S4); a place an infected person visited is closed or sealed at once (R20).
- Small enclosed spaces: RULES.md §4.4 (2022-12-06 notice, [C]) names 网吧、酒吧、棋牌室、KTV、剧本杀、
  桑拿、堂食、室内健身 as the places that kept a test requirement after others dropped it.
- Default stay lengths are plausible orders of magnitude (RULES.md §9: derived, not sourced), used by
  tracing when a visitor scanned in but never out; they live in a dated rule set so they can be revised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from lianfang.core.errors import Problem

KINDS: dict[str, tuple[str, str]] = {
    "supermarket": ("超市", "Supermarket"),
    "market": ("农贸市场", "Market"),
    "restaurant": ("餐馆", "Restaurant"),
    "office_building": ("写字楼", "Office building"),
    "metro_station": ("地铁站", "Metro station"),
    "bus_station": ("公交/长途车站", "Bus station"),
    "mall": ("商场", "Shopping mall"),
    "gym": ("健身房", "Gym"),
    "chess_card_room": ("棋牌室", "Chess and card room"),
    "ktv": ("KTV", "Karaoke (KTV)"),
    "internet_cafe": ("网吧", "Internet café"),
    "cinema": ("电影院", "Cinema"),
    "hotel": ("酒店", "Hotel"),
    "clinic": ("诊所/社区卫生服务站", "Clinic"),
    "pharmacy": ("药店", "Pharmacy"),
    "school": ("学校", "School"),
    "hospital": ("医院", "Hospital"),
    "community_gate": ("小区门口", "Residential compound gate"),
    "park": ("公园", "Park"),
    "other": ("其他", "Other"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "open": ("开放", "Open"),
    "closed": ("暂停营业", "Closed"),
    "sealed": ("封闭管控", "Sealed"),
}
# Every status can follow every other; what differs is who may make the change (see transition_problem).
TRANSITIONS: dict[str, frozenset[str]] = {s: frozenset(STATUSES) - {s} for s in STATUSES}
# A venue's own operator may close it for the day and open it again, never seal or unseal it.
OPERATOR_TRANSITIONS = frozenset({("open", "closed"), ("closed", "open")})

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 8


@dataclass(frozen=True)
class VenueRuleSet:
    edition: str
    effective_from: date
    stay_minutes: dict[str, int] = field(default_factory=dict)
    enclosed: frozenset[str] = frozenset()

    def default_stay_minutes(self, kind: str) -> int:
        return self.stay_minutes.get(kind, self.stay_minutes["other"])

    def is_enclosed(self, kind: str) -> bool:
        return kind in self.enclosed


RULES_2022_12 = VenueRuleSet(
    edition="2022-12",
    effective_from=date(2022, 12, 6),
    stay_minutes={
        "supermarket": 25,
        "market": 35,
        "restaurant": 55,
        "office_building": 540,
        "metro_station": 12,
        "bus_station": 15,
        "mall": 100,
        "gym": 75,
        "chess_card_room": 150,
        "ktv": 180,
        "internet_cafe": 150,
        "cinema": 130,
        "hotel": 600,
        "clinic": 35,
        "pharmacy": 8,
        "school": 450,
        "hospital": 120,
        "community_gate": 2,
        "park": 60,
        "other": 60,
    },
    enclosed=frozenset({"chess_card_room", "ktv", "internet_cafe", "gym", "restaurant"}),
)
RULE_SETS = (RULES_2022_12,)


def rules_for(today: date) -> VenueRuleSet:
    """The rule set in force on `today` (the earliest one before any took effect)."""
    in_force = [r for r in RULE_SETS if r.effective_from <= today]
    return max(in_force, key=lambda r: r.effective_from) if in_force else RULE_SETS[0]


def normalise_kind(raw: str) -> str | None:
    value = raw.strip()
    if value.lower() in KINDS:
        return value.lower()
    for key, (zh, en) in KINDS.items():
        if value in (zh, en) or value.lower() == en.lower():
            return key
    return None


def transition_problem(current: str, wanted: str, authority: bool, set_by_authority: bool) -> Problem | None:
    """None when the change is allowed. `authority`: the actor may write the registry (community, street,
    district, city staff); otherwise it is the venue's operator. `set_by_authority`: the current status
    was set by an authority, which the operator cannot undo."""
    if wanted not in STATUSES:
        return Problem("status", f"状态“{wanted}”无效", f"unknown status {wanted!r}")
    if wanted == current:
        return Problem(
            "status",
            f"场所已是“{STATUSES[wanted][0]}”状态",
            f"the venue is already {STATUSES[wanted][1].lower()}",
        )
    if authority:
        return None
    if (current, wanted) not in OPERATOR_TRANSITIONS:
        return Problem(
            "status", "只有属地工作人员可以封闭或解封场所", "only the authorities seal or unseal a venue"
        )
    if set_by_authority:
        return Problem(
            "status",
            "场所由属地关停，须由属地工作人员恢复开放",
            "the authorities closed this venue; only they can reopen it",
        )
    return None


def reason_problem(wanted: str, reason: str) -> Problem | None:
    """Closing and sealing are explained; reopening may be too, but need not be."""
    if wanted != "open" and not reason.strip():
        return Problem("reason", "请填写原因", "give a reason")
    if len(reason.strip()) > 255:
        return Problem("reason", "原因最多255个字符", "the reason has at most 255 characters")
    return None


def new_code(choose: Callable[[str], str]) -> str:
    """A venue code of CODE_LENGTH characters; `choose` picks one character (e.g. secrets.choice)."""
    return "".join(choose(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(raw: str) -> bool:
    return len(raw) == CODE_LENGTH and all(c in CODE_ALPHABET for c in raw)
