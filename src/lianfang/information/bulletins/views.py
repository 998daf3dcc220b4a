"""The bulletin's figures for one local day over one area (a jurisdiction subtree), computed set-based:
one GROUP BY per source, each on an index that starts with `jurisdiction_path` (cases on
(jurisdiction_path, reported_at), contacts on (jurisdiction_path, decided_at), control orders on
(jurisdiction_path, status)), risk areas on (active, place_code) and testing rounds from the
pre-aggregated round progress. The result is plain JSON, frozen on the bulletin: pages read the
bulletin, never these tables."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lianfang.control.models import ControlOrder
from lianfang.control.rules import ORDER_KINDS
from lianfang.core.clock import SHANGHAI
from lianfang.information.rules import district_path
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.testing.models import RoundProgress, TestingRound
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.tracing.rules import FOUND_BY, SOURCES
from lianfang.travel.models import RiskArea
from lianfang.travel.rules import LEVELS

COUNTED_CASES = ("open", "closed")  # pending lab results and discarded cases are not reported
CONTACT_CATEGORIES = ("close", "secondary")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00, 24:00) of a local day (Asia/Shanghai), as aware datetimes."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def _cases(session: Session, area: str, start: datetime, end: datetime) -> dict[str, Any]:
    rows = session.execute(
        select(
            TracingCase.jurisdiction_path,
            TracingCase.classification,
            TracingCase.source,
            TracingCase.found_by,
            func.count(),
        )
        .where(
            in_subtree(TracingCase.jurisdiction_path, area),
            TracingCase.reported_at >= start,
            TracingCase.reported_at < end,
            TracingCase.status.in_(COUNTED_CASES),
        )
        .group_by(
            TracingCase.jurisdiction_path,
            TracingCase.classification,
            TracingCase.source,
            TracingCase.found_by,
        )
    )
    cases = {s: {"confirmed": 0, "asymptomatic": 0} for s in SOURCES}
    found_by = dict.fromkeys(FOUND_BY, 0)
    districts: dict[str, dict[str, int]] = defaultdict(lambda: {"confirmed": 0, "asymptomatic": 0})
    for path, classification, source, found, n in rows:
        cases.setdefault(str(source), {"confirmed": 0, "asymptomatic": 0})[str(classification)] += int(n)
        found_by[str(found)] = found_by.get(str(found), 0) + int(n)
        if source == "local":
            districts[district_path(str(path))][str(classification)] += int(n)
    return {"cases": cases, "found_by": found_by, "by_district": dict(districts)}


def _contacts(session: Session, area: str, start: datetime, end: datetime) -> dict[str, int]:
    controlled = case(
        (TracingContact.controlled_at.is_not(None) & (TracingContact.controlled_at < end), 1), else_=0
    )
    row = session.execute(
        select(func.count(), func.sum(controlled)).where(
            in_subtree(TracingContact.jurisdiction_path, area),
            TracingContact.decided_at >= start,
            TracingContact.decided_at < end,
            TracingContact.status == "confirmed",
            TracingContact.category.in_(CONTACT_CATEGORIES),
        )
    ).one()
    return {"found": int(row[0] or 0), "controlled": int(row[1] or 0)}


def _orders(session: Session, area: str) -> dict[str, int]:
    rows = session.execute(
        select(ControlOrder.kind, func.count())
        .where(in_subtree(ControlOrder.jurisdiction_path, area), ControlOrder.status == "active")
        .group_by(ControlOrder.kind)
    )
    found = dict.fromkeys(ORDER_KINDS, 0)
    for kind, n in rows:
        found[str(kind)] = int(n)
    return found


def _risk_areas(session: Session) -> tuple[dict[str, int], int]:
    rows = session.execute(
        select(RiskArea.inside_city, RiskArea.level, func.count())
        .where(RiskArea.active.is_(True))
        .group_by(RiskArea.inside_city, RiskArea.level)
    )
    inside, outside = dict.fromkeys(LEVELS, 0), 0
    for in_city, level, n in rows:
        if in_city:
            inside[str(level)] = inside.get(str(level), 0) + int(n)
        else:
            outside += int(n)
    return inside, outside


def _testing(session: Session, area: str, start: datetime, end: datetime) -> dict[str, int]:
    """Rounds whose deadline fell on the day (ordered over the area or a part of it), with the sampled
    count of their pre-aggregated progress."""
    round_ids = list(
        session.scalars(
            select(TestingRound.id).where(
                in_subtree(TestingRound.area_path, area),
                TestingRound.deadline_at >= start,
                TestingRound.deadline_at < end,
            )
        )
    )
    if not round_ids:
        return {"rounds": 0, "sampled": 0, "expected": 0, "positive_pools": 0}
    row = session.execute(
        select(
            func.sum(RoundProgress.sampled),
            func.sum(RoundProgress.expected),
            func.sum(RoundProgress.positive_pools),
        ).where(RoundProgress.round_id.in_(round_ids))
    ).one()
    return {
        "rounds": len(round_ids),
        "sampled": int(row[0] or 0),
        "expected": int(row[1] or 0),
        "positive_pools": int(row[2] or 0),
    }


def compute(session: Session, area: Jurisdiction, day: date, now: datetime) -> dict[str, Any]:
    """Every figure of the bulletin for `day` over `area`'s subtree; control orders as of `now`."""
    start, end = day_bounds(day)
    cases = _cases(session, area.path, start, end)
    by_district: dict[str, dict[str, int]] = cases.pop("by_district")
    paths = sorted(by_district)
    query = select(Jurisdiction.path, Jurisdiction.name).where(Jurisdiction.path.in_(paths))
    names = {str(p): str(n) for p, n in session.execute(query)}
    inside, outside = _risk_areas(session)
    return {
        "day": day.isoformat(),
        "area": area.name,
        "area_path": area.path,
        **cases,
        "districts": [{"path": p, "name": str(names.get(p, p)), **by_district[p]} for p in paths],
        "contacts": _contacts(session, area.path, start, end),
        "orders": _orders(session, area.path),
        "orders_at": now.astimezone(SHANGHAI).isoformat(timespec="minutes"),
        "risk_areas": inside,
        "risk_areas_outside": outside,
        "testing": _testing(session, area.path, start, end),
    }


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """The figures as (key, Chinese label, English label, value) rows, for the page table and exports."""
    out: list[tuple[str, str, str, int]] = []
    for source, (zh_s, en_s) in SOURCES.items():
        for cls, (zh_c, en_c) in (
            ("confirmed", ("确诊病例", "confirmed")),
            ("asymptomatic", ("无症状感染者", "asymptomatic")),
        ):
            value = int(figures.get("cases", {}).get(source, {}).get(cls, 0))
            out.append((f"cases.{source}.{cls}", f"{zh_s}{zh_c}", f"{en_s} {en_c}", value))
    for key, (zh, en) in FOUND_BY.items():
        out.append(
            (
                f"found_by.{key}",
                f"发现途径：{zh}",
                f"Found by: {en}",
                int(figures.get("found_by", {}).get(key, 0)),
            )
        )
    for d in figures.get("districts", []):
        total = int(d.get("confirmed", 0)) + int(d.get("asymptomatic", 0))
        out.append(
            (f"district.{d['path']}", f"本土感染者：{d['name']}", f"Local infections: {d['name']}", total)
        )
    contacts = figures.get("contacts", {})
    out.append(
        ("contacts.found", "判定密接及密接的密接", "Contacts identified", int(contacts.get("found", 0)))
    )
    out.append(
        ("contacts.controlled", "其中已管控", "Of whom under control", int(contacts.get("controlled", 0)))
    )
    for key, (zh, en) in ORDER_KINDS.items():
        out.append(
            (f"orders.{key}", f"在管：{zh}", f"Under order: {en}", int(figures.get("orders", {}).get(key, 0)))
        )
    for key, (zh, en) in LEVELS.items():
        value = int(figures.get("risk_areas", {}).get(key, 0))
        if value:
            out.append((f"risk_areas.{key}", f"本市{zh}", f"In the city: {en}", value))
    out.append(
        (
            "risk_areas.outside",
            "市外风险地区",
            "Risk areas outside the city",
            int(figures.get("risk_areas_outside", 0)),
        )
    )
    testing = figures.get("testing", {})
    out.append(
        ("testing.rounds", "完成核酸检测轮次", "Testing rounds completed", int(testing.get("rounds", 0)))
    )
    out.append(("testing.sampled", "采样人次", "People sampled", int(testing.get("sampled", 0))))
    out.append(
        ("testing.positive_pools", "阳性混管", "Positive pools", int(testing.get("positive_pools", 0)))
    )
    return out
