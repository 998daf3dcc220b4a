"""Use cases of supply: an outlet's daily report (idempotent per outlet, day and good; a changed value is
an audited correction) and the alerts it raises, each handed to the district's supply group as an
assignment (issued on the system's behalf)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM, Actor
from lianfang.core.clock import end_of_local_day, local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.supply import rules
from lianfang.supply.models import SupplyAlert, SupplyReport
from lianfang.tracing.rules import district_path
from lianfang.venues.models import Venue

REPORT = "supply.report"
READ = "supply.read"


@dataclass(frozen=True)
class Item:
    good: str
    stock: float
    sold: float
    price_cents: int


@dataclass
class Outcome:
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    alerts: list[SupplyAlert] = field(default_factory=list)


def covers_outlet(actor: Actor, venue: Venue) -> bool:
    if actor.kind == "system":
        return True
    if actor.scope_path is not None and actor.covers(venue.jurisdiction_path):
        return True
    return actor.user_id is not None and venue.operator_user_id == actor.user_id


def access_outlet(ctx: Ctx, venue_id: int) -> Venue:
    """An outlet the actor reports for (their scope, or a venue they operate); otherwise NotFound."""
    ctx.actor.require(REPORT)
    venue = ctx.session.get(Venue, venue_id)
    if venue is None or not covers_outlet(ctx.actor, venue):
        raise NotFound("场所", "venue")
    return venue


def outlets(ctx: Ctx, limit: int = 200) -> list[Venue]:
    """The outlets the actor may report for (the form's choice)."""
    ctx.actor.require(REPORT)
    query = select(Venue).where(Venue.kind.in_(rules.OUTLET_KINDS))
    if ctx.actor.kind != "system":
        mine = Venue.operator_user_id == ctx.actor.user_id
        if ctx.actor.scope_path is not None:
            p = ctx.actor.scope_path
            mine = mine | ((Venue.jurisdiction_path >= p) & (Venue.jurisdiction_path < p + "~"))
        query = query.where(mine)
    return list(ctx.session.scalars(query.order_by(Venue.id).limit(limit)))


def reports_of(ctx: Ctx, venue: Venue, day: date) -> list[SupplyReport]:
    query = select(SupplyReport).where(SupplyReport.venue_id == venue.id, SupplyReport.day == day)
    return list(ctx.session.scalars(query))


def _values(row: SupplyReport) -> dict[str, Any]:
    return {"stock": row.stock, "sold": row.sold, "price_cents": row.price_cents}


def _validate(ctx: Ctx, venue: Venue, day: date, items: list[Item]) -> None:
    problems: list[Problem] = []
    if venue.kind not in rules.OUTLET_KINDS:
        problems.append(Problem("venue_id", "该场所不是保供网点", "this venue is not a supply outlet"))
    found = rules.day_problem(day, local_date(ctx.now))
    problems += [found] if found else []
    if not items:
        problems.append(Problem("items", "至少填报一种商品", "report at least one good"))
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        problems += rules.item_problems(n, item.good, item.stock, item.sold, item.price_cents)
        if item.good in seen:
            problems.append(Problem("good", "同一商品填报了两次", "the same good appears twice", n))
        seen.add(item.good)
    if problems:
        raise Invalid(problems)


def report(ctx: Ctx, venue_id: int, day: date, items: list[Item]) -> Outcome:
    venue = access_outlet(ctx, venue_id)
    _validate(ctx, venue, day, items)
    existing = {
        r.good: r
        for r in ctx.session.scalars(
            select(SupplyReport).where(SupplyReport.venue_id == venue.id, SupplyReport.day == day)
        )
    }
    outcome = Outcome()
    new_goods: list[str] = []
    for item in items:
        values = {"stock": float(item.stock), "sold": float(item.sold), "price_cents": int(item.price_cents)}
        row = existing.get(item.good)
        if row is None:
            row = SupplyReport(venue_id=venue.id, day=day, good=item.good, **values)
            row.jurisdiction_path, row.reported_by = venue.jurisdiction_path, ctx.actor.label
            row.created_at = row.updated_at = ctx.now
            ctx.session.add(row)
            outcome.created += 1
            new_goods.append(item.good)
        elif _values(row) == values:
            outcome.unchanged += 1
            continue
        else:
            before = _values(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.revision += 1
            row.updated_at, row.reported_by = ctx.now, ctx.actor.label
            outcome.corrected += 1
            audit.record(
                ctx,
                "supply.correct",
                "venue",
                venue.id,
                venue.jurisdiction_path,
                day=day.isoformat(),
                good=item.good,
                before=before,
                after=values,
            )
        ctx.session.flush()
        outcome.alerts += _raise_alerts(ctx, venue, row)
    if new_goods:
        audit.record(
            ctx,
            "supply.report",
            "venue",
            venue.id,
            venue.jurisdiction_path,
            day=day.isoformat(),
            goods=new_goods,
        )
    return outcome


def _history(ctx: Ctx, row: SupplyReport, rule: rules.RuleSet) -> tuple[list[float], int | None]:
    earlier = list(
        ctx.session.scalars(
            select(SupplyReport)
            .where(
                SupplyReport.venue_id == row.venue_id,
                SupplyReport.good == row.good,
                SupplyReport.day < row.day,
                SupplyReport.day >= row.day - timedelta(days=rules.MAX_BACKDATE_DAYS),
            )
            .order_by(SupplyReport.day.desc())
            .limit(rule.cover_basis_days)
        )
    )
    sales = [r.sold for r in reversed(earlier)] + [row.sold]
    return sales, (earlier[0].price_cents if earlier else None)


def _raise_alerts(ctx: Ctx, venue: Venue, row: SupplyReport) -> list[SupplyAlert]:
    rule = rules.rule_set(row.day)
    sales, previous = _history(ctx, row, rule)
    raised: list[SupplyAlert] = []
    for finding in rules.findings(rule, row.stock, sales, row.price_cents, previous):
        exists = ctx.session.scalar(
            select(SupplyAlert.id).where(
                SupplyAlert.venue_id == venue.id,
                SupplyAlert.day == row.day,
                SupplyAlert.good == row.good,
                SupplyAlert.kind == finding.kind,
            )
        )
        if exists is not None:
            continue
        alert = SupplyAlert(
            venue_id=venue.id,
            day=row.day,
            good=row.good,
            kind=finding.kind,
            value=finding.value,
            threshold=finding.threshold,
            edition=rule.edition,
            jurisdiction_path=venue.jurisdiction_path,
            created_at=ctx.now,
        )
        ctx.session.add(alert)
        ctx.session.flush()
        alert.assignment_id = _assign(ctx, venue, alert)
        audit.record(
            ctx,
            "supply.alert",
            "venue",
            venue.id,
            venue.jurisdiction_path,
            alert_id=alert.id,
            kind=alert.kind,
            good=alert.good,
            value=alert.value,
            edition=alert.edition,
        )
        raised.append(alert)
    return raised


def _assign(ctx: Ctx, venue: Venue, alert: SupplyAlert) -> int | None:
    district = ctx.session.scalar(
        select(Jurisdiction).where(Jurisdiction.path == district_path(venue.jurisdiction_path))
    )
    if district is None:
        return None
    zh, en, _unit, _unit_en = rules.GOODS[alert.good]
    kind_zh, kind_en = rules.ALERT_KINDS[alert.kind]
    if alert.kind == "low_stock":
        detail = f"可供应{alert.value:.1f}天（阈值{alert.threshold:g}天） / {alert.value:.1f} days of cover"
    else:
        detail = f"环比上涨{alert.value:.0%}（阈值{alert.threshold:.0%}） / up {alert.value:.0%} day over day"
    item = issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"{kind_zh}：{venue.name} {zh} / {kind_en}: {en}",
        body=f"{venue.name}（{alert.day.isoformat()}）{zh}{kind_zh}：{detail}。规则 {alert.edition}",
        owner_jurisdiction_id=district.id,
        owner_group=rules.OWNER_GROUP,
        subject_type="supply_alert",
        subject_id=str(alert.id),
        kind="supply.alert",
        deadline=max(end_of_local_day(ctx.now), ctx.now + timedelta(hours=4)),
    )
    return item.id
