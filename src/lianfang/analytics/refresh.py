"""The dashboard's pre-aggregation: rewrites `analytics_daily` and `analytics_now` set-based.

Cases and contacts are small tables (thousands of rows in an outbreak): their recent window is regrouped
on every refresh. Scans are the big table (tens of millions of rows): only the most recent
`SCAN_DAYS` local days are regrouped (by `scan_date`, the partition key on PostgreSQL, joined to venues
for the place), so a refresh reads one or two partitions; older days keep their counts. A full refresh
(`full=True`, the CLI and tests) regroups the whole window. The periodic task runs every few minutes and
tracing events ask for a refresh soon after a case or contact changes (a de-duplicated job)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lianfang.analytics.models import AnalyticsDaily, AnalyticsNow, AnalyticsRefresh
from lianfang.checkins.models import Scan
from lianfang.control.models import ControlOrder, ControlZone
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.tracing.rules import district_path
from lianfang.venues.models import Venue

WINDOW_DAYS = 60  # days of daily figures kept fresh (the dashboard shows the last 30)
SCAN_DAYS = 2  # today and yesterday: later scans cannot land on older days
CONTROLLED_WITHIN = timedelta(hours=24)
CASE_STATUSES = ("open", "closed")  # pending (a lab result not yet confirmed) and discarded do not count
TRACED_CATEGORIES = ("close", "secondary")

Counts = dict[tuple[date, str, str], int]


def _start(since: date) -> datetime:
    return datetime.combine(since, time(0), tzinfo=SHANGHAI)


def _cases(session: Session, since: date, counts: Counts) -> None:
    start = _start(since)
    rows = session.execute(
        select(TracingCase.jurisdiction_path, TracingCase.reported_at, TracingCase.classification)
        .add_columns(TracingCase.source, TracingCase.found_by)
        .where(TracingCase.reported_at >= start, TracingCase.status.in_(CASE_STATUSES))
    )
    for path, at, classification, source, found_by in rows:
        day = local_date(at)
        if day < since:
            continue
        where = "imported" if source == "imported" else "local"
        counts[(day, district_path(path), f"cases.{classification}.{where}")] += 1
        if found_by == "under_control":
            counts[(day, district_path(path), "cases.under_control")] += 1


def _contacts(session: Session, since: date, counts: Counts) -> None:
    start = _start(since)
    query = (
        select(TracingContact.jurisdiction_path, TracingCase.jurisdiction_path)
        .add_columns(TracingContact.created_at, TracingContact.controlled_at)
        .join(TracingCase, TracingCase.id == TracingContact.case_id)
        .where(
            TracingContact.created_at >= start,
            TracingContact.status == "confirmed",
            TracingContact.category.in_(TRACED_CATEGORIES),
        )
    )
    for own_path, case_path, found_at, controlled_at in session.execute(query):
        day = local_date(found_at)
        if day < since:
            continue
        district = district_path(own_path or case_path)
        counts[(day, district, "contacts.found")] += 1
        if controlled_at is not None and controlled_at - found_at <= CONTROLLED_WITHIN:
            counts[(day, district, "contacts.controlled_24h")] += 1


def _scans(session: Session, since: date, counts: Counts) -> None:
    query = (
        select(Scan.scan_date, Venue.jurisdiction_path, func.count())
        .join(Venue, Venue.id == Scan.venue_id)
        .where(Scan.scan_date >= since)
        .group_by(Scan.scan_date, Venue.jurisdiction_path)
    )
    for day, path, n in session.execute(query):
        counts[(day, district_path(path), "scans")] += int(n)


def _now(session: Session) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    orders = (
        select(ControlOrder.jurisdiction_path, ControlOrder.kind, func.count())
        .where(ControlOrder.status == "active")
        .group_by(ControlOrder.jurisdiction_path, ControlOrder.kind)
    )
    for path, kind, n in session.execute(orders):
        counts[(district_path(path), f"orders.{kind}")] += int(n)
    venues = (
        select(Venue.jurisdiction_path, func.count())
        .where(Venue.status == "sealed")
        .group_by(Venue.jurisdiction_path)
    )
    for path, n in session.execute(venues):
        counts[(district_path(path), "venues.sealed")] += int(n)
    zones = (
        select(ControlZone.jurisdiction_path, ControlZone.level, func.count())
        .where(ControlZone.status == "active")
        .group_by(ControlZone.jurisdiction_path, ControlZone.level)
    )
    for path, level, n in session.execute(zones):
        counts[(district_path(path), f"zones.{level}")] += int(n)
    return counts


def refresh(ctx: Ctx, full: bool = False) -> int:
    """Rewrite the figures; returns how many daily rows were written. Safe to run at any time."""
    today = local_date(ctx.now)
    since = today - timedelta(days=WINDOW_DAYS - 1)
    scan_since = since if full else today - timedelta(days=SCAN_DAYS - 1)
    counts: Counts = defaultdict(int)
    _cases(ctx.session, since, counts)
    _contacts(ctx.session, since, counts)
    _scans(ctx.session, scan_since, counts)
    s = ctx.session
    s.execute(delete(AnalyticsDaily).where(AnalyticsDaily.day >= since, AnalyticsDaily.metric != "scans"))
    s.execute(
        delete(AnalyticsDaily).where(AnalyticsDaily.day >= scan_since, AnalyticsDaily.metric == "scans")
    )
    s.execute(delete(AnalyticsDaily).where(AnalyticsDaily.day < since))
    rows = [{"day": d, "district_path": p, "metric": m, "value": v} for (d, p, m), v in counts.items() if v]
    if rows:
        s.execute(insert(AnalyticsDaily), rows)
    s.execute(delete(AnalyticsNow))
    now_rows = [{"district_path": p, "metric": m, "value": v} for (p, m), v in _now(s).items() if v]
    if now_rows:
        s.execute(insert(AnalyticsNow), now_rows)
    mark = s.get(AnalyticsRefresh, 1)
    if mark is None:
        s.add(AnalyticsRefresh(id=1, at=ctx.now, since=since))
    else:
        mark.at, mark.since = ctx.now, since
    s.flush()
    return len(rows)


def refresh_job(ctx: Ctx, _payload: dict[str, object]) -> None:
    refresh(ctx)


def periodic(ctx: Ctx) -> int:
    return refresh(ctx)
