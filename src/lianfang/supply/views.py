"""What the supply pages, the API and the dashboard show: one day's reports in the actor's scope per
good (outlets reporting, stock, sales, days of cover, price range), the alerts, and how many outlets
have reported. Reads one day of `supply_reports` and `supply_alerts` on their (path, day) indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.access import subtree_filter
from lianfang.supply import rules
from lianfang.supply.models import SupplyAlert, SupplyReport
from lianfang.supply.service import READ
from lianfang.venues.models import Venue


@dataclass
class GoodLine:
    code: str
    outlets: int = 0
    stock: float = 0.0
    sold: float = 0.0
    low_price: int | None = None
    high_price: int | None = None
    price_sum: int = 0

    @property
    def cover(self) -> float | None:
        return rules.days_of_cover(self.stock, [self.sold])

    @property
    def mean_price(self) -> float | None:
        return self.price_sum / self.outlets if self.outlets else None


@dataclass
class Overview:
    day: date
    goods: list[GoodLine]
    alerts: list[SupplyAlert]
    venues: dict[int, Venue]
    outlets: int
    reporting: int
    by_kind: dict[str, int] = field(default_factory=dict)


def overview(ctx: Ctx, day: date | None = None, limit: int = 100) -> Overview:
    ctx.actor.require(READ)
    day = day or local_date(ctx.now)
    scope = subtree_filter(ctx.actor, SupplyReport.jurisdiction_path)
    lines = {code: GoodLine(code) for code in rules.GOODS}
    reporting: set[int] = set()
    rows = ctx.session.execute(
        select(SupplyReport.venue_id, SupplyReport.good, SupplyReport.stock, SupplyReport.sold)
        .add_columns(SupplyReport.price_cents)
        .where(scope, SupplyReport.day == day)
    )
    for venue_id, good, stock, sold, price in rows:
        reporting.add(venue_id)
        line = lines.setdefault(good, GoodLine(good))
        line.outlets += 1
        line.stock += stock
        line.sold += sold
        line.price_sum += price
        line.low_price = price if line.low_price is None else min(line.low_price, price)
        line.high_price = price if line.high_price is None else max(line.high_price, price)
    alert_scope = subtree_filter(ctx.actor, SupplyAlert.jurisdiction_path)
    alerts = alerts_page(ctx, day, None, limit)
    by_kind: dict[str, int] = {}
    counted = select(SupplyAlert.kind, func.count()).where(alert_scope, SupplyAlert.day == day)
    for kind, n in ctx.session.execute(counted.group_by(SupplyAlert.kind)):
        by_kind[kind] = int(n)
    venues = venues_of(ctx, alerts)
    outlets = ctx.session.scalar(
        select(func.count())
        .select_from(Venue)
        .where(subtree_filter(ctx.actor, Venue.jurisdiction_path), Venue.kind.in_(rules.OUTLET_KINDS))
    )
    return Overview(day, list(lines.values()), alerts, venues, int(outlets or 0), len(reporting), by_kind)


def alerts_page(ctx: Ctx, day: date, after: int | None, limit: int) -> list[SupplyAlert]:
    """One day's alerts in the actor's scope, oldest first from `after` (keyset on id): the overview's
    list and its export."""
    ctx.actor.require(READ)
    if limit <= 0:
        return []
    query = select(SupplyAlert).where(
        subtree_filter(ctx.actor, SupplyAlert.jurisdiction_path), SupplyAlert.day == day
    )
    if after is not None:
        query = query.where(SupplyAlert.id > after)
    return list(ctx.session.scalars(query.order_by(SupplyAlert.id).limit(limit)))


def venues_of(ctx: Ctx, alerts: list[SupplyAlert]) -> dict[int, Venue]:
    ids = {a.venue_id for a in alerts}
    return {v.id: v for v in ctx.session.scalars(select(Venue).where(Venue.id.in_(ids)))} if ids else {}


@dataclass(frozen=True)
class Figure:
    zh: str
    en: str
    value: str
    href: str
    alert: bool = False


@dataclass(frozen=True)
class Panel:
    key: str
    zh: str
    en: str
    href: str
    figures: tuple[Figure, ...]


def panel(ctx: Ctx) -> Panel | None:
    """The dashboard's supply panel (installed by the composition root)."""
    if not ctx.actor.can(READ):
        return None
    view = overview(ctx, limit=0)
    low, jump = view.by_kind.get("low_stock", 0), view.by_kind.get("price_jump", 0)
    figures = (
        Figure("今日填报网点", "Outlets reported today", f"{view.reporting} / {view.outlets}", "/supply"),
        Figure("库存不足预警", "Low-stock alerts today", str(low), "/supply#alerts", bool(low)),
        Figure("价格异动预警", "Price-jump alerts today", str(jump), "/supply#alerts", bool(jump)),
    )
    return Panel("supply", "市场保供", "Market supply", "/supply", figures)
