"""Closure orders (R16): command staff order a venue type closed in their jurisdiction; every open
venue of that type there is closed at once through the venues module (by authority, so its operator
cannot reopen it, and its scan code is suspended by the check-ins module, which reacts to the status
change). While the order stands, reopening such a venue is refused (`guard_reopen`, subscribed to
VenueStatusChanged), and the worker's scan (`enforce_closures`) closes any that opened or were
registered since."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.access import SYSTEM, access_scoped
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.enforcement import repository, rules
from lianfang.enforcement.access import DECIDE
from lianfang.enforcement.events import ClosureOrdered
from lianfang.enforcement.models import ClosureOrder
from lianfang.jurisdictions.access import access_jurisdiction, subtree_filter
from lianfang.venues.events import VenueStatusChanged
from lianfang.venues.models import Venue
from lianfang.venues.rules import KINDS as VENUE_KINDS
from lianfang.venues.service import bulk_change_status

CLOSE_BATCH = 500


def order_closure(
    ctx: Ctx, venue_kind: str, jurisdiction_id: int, reason: str
) -> tuple[ClosureOrder, list[int]]:
    ctx.actor.require(DECIDE)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    problems = rules.order_problems(venue_kind, frozenset(VENUE_KINDS), reason)
    if problems:
        raise Invalid(problems)
    if repository.active_order(ctx.session, venue_kind, place.path) is not None:
        raise Conflict(
            "该类场所在此辖区已在暂停开放令范围内", "this venue type is already ordered closed here"
        )
    order = ClosureOrder(
        venue_kind=venue_kind,
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        reason=reason.strip(),
        rule_edition=rules.EDITION,
        ordered_by_label=ctx.actor.label,
        ordered_at=ctx.now,
    )
    ctx.session.add(order)
    ctx.session.flush()
    closed = _close_open_venues(ctx, order)
    audit.record(
        ctx,
        "enforcement.closure.ordered",
        "closure_order",
        order.id,
        place.path,
        venue_kind=venue_kind,
        reason=order.reason,
        closed=closed,
    )
    ctx.publish(ClosureOrdered(order.id, venue_kind, place.path, tuple(closed)))
    return order, closed


def _close_open_venues(ctx: Ctx, order: ClosureOrder) -> list[int]:
    closed: list[int] = []
    reason = f"暂停开放令 #{order.id}：{order.reason}"[:255]
    while True:
        venues = repository.open_venues_of_kind(
            ctx.session,
            order.venue_kind,
            order.jurisdiction_path,
            subtree_filter(ctx.actor, Venue.jurisdiction_path),
            CLOSE_BATCH,
        )
        if not venues:
            return closed
        result = bulk_change_status(ctx, [v.id for v in venues], "closed", reason)
        closed += result.changed


def lift_closure(ctx: Ctx, order_id: int) -> ClosureOrder:
    """Lift an order; venues stay closed until the authorities reopen them (venues module)."""
    ctx.actor.require(DECIDE)
    order = access_scoped(ctx.session, ctx.actor, ClosureOrder, order_id, "暂停开放令", "closure order")
    if order.lifted_at is not None:
        raise Conflict("该暂停开放令已解除", "this order is already lifted")
    order.lifted_at, order.lifted_by_label = ctx.now, ctx.actor.label
    audit.record(ctx, "enforcement.closure.lifted", "closure_order", order.id, order.jurisdiction_path)
    return order


def guard_reopen(ctx: Ctx, event: VenueStatusChanged) -> None:
    """Refuse to reopen a venue whose type is ordered closed there (the whole change is rolled back)."""
    if event.new_status != "open":
        return
    venue = ctx.session.get(Venue, event.venue_id)
    if venue is None:
        return
    order = repository.active_order(ctx.session, venue.kind, venue.jurisdiction_path)
    if order is not None:
        raise Invalid(
            [
                Problem(
                    "status",
                    f"{VENUE_KINDS[venue.kind][0]}处于暂停开放令（#{order.id}）期间，不能恢复开放",
                    f"{VENUE_KINDS[venue.kind][1]} venues are ordered closed here (order #{order.id}); "
                    "they cannot reopen",
                )
            ]
        )


def enforce_closures(ctx: Ctx) -> int:
    """Worker scan: close open venues of an ordered type (new registrations, or changes the guard did
    not see). Returns how many were closed."""
    acting = ctx.as_actor(SYSTEM)
    done = 0
    for order in repository.active_orders(acting.session):
        done += len(_close_open_venues(acting, order))
    return done


def closed_kinds_here(ctx: Ctx, path: str) -> list[str]:
    stmt = select(ClosureOrder.venue_kind, ClosureOrder.jurisdiction_path).where(
        ClosureOrder.lifted_at.is_(None)
    )
    return sorted({k for k, p in ctx.session.execute(stmt) if path.startswith(p) or p.startswith(path)})
