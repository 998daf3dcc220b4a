"""Daily health monitoring of people under orders: temperature and symptoms reported by the person (resident
pages) or a community worker; a fever or a missed day raises an assignment to the community; the daily
follow-up lists and the tests due today are read from the active orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select

from lianfang.assignments.service import issue_assignment
from lianfang.control import rules
from lianfang.control.access import WRITE, access_order, orders_filter
from lianfang.control.models import ControlOrder, HealthReport
from lianfang.control.service import plan_of, require_active, today
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.people.access import access_person

_BATCH = 500


def record_report(ctx: Ctx, order_id: int, temperature: float | None, symptoms: str = "") -> HealthReport:
    """A daily check. Staff need control.write and scope; a resident may report only on their own order."""
    if ctx.actor.kind == "resident":
        found = ctx.session.get(ControlOrder, order_id)
        if found is None:
            raise NotFound("管控令", "control order")
        access_person(ctx.session, ctx.actor, found.person_id)  # NotFound unless it is the resident's own
        order = found
        by = "self"
    else:
        ctx.actor.require(WRITE)
        order = access_order(ctx.session, ctx.actor, order_id)
        by = "worker"
    require_active(order)
    problem = rules.temperature_problem(temperature)
    symptoms = symptoms.strip()
    if problem:
        raise Invalid([Problem("temperature", *problem)])
    if temperature is None and not symptoms:
        raise Invalid([Problem("temperature", "请填写体温或症状", "give the temperature or the symptoms")])
    if len(symptoms) > 500:
        raise Invalid([Problem("symptoms", "症状最多500字", "symptoms: at most 500 characters")])
    report = HealthReport(
        order_id=order.id,
        person_id=order.person_id,
        jurisdiction_path=order.jurisdiction_path,
        reported_on=today(ctx),
        reported_at=ctx.now,
        temperature=temperature,
        symptoms=symptoms,
        by=by,
        by_user_id=ctx.actor.user_id,
    )
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(
        ctx,
        "control.report",
        "control_order",
        order.id,
        order.jurisdiction_path,
        temperature=temperature,
        fever=rules.is_fever(temperature),
        by=by,
    )
    if rules.is_fever(temperature) or symptoms:
        _raise(ctx, order, "fever", f"发热/症状：{temperature or ''}℃ {symptoms}"[:200], report.reported_on)
    return report


def _raise(ctx: Ctx, order: ControlOrder, what: str, detail: str, day: date) -> None:
    title = {"fever": "管控人员发热或有症状", "missed": "管控人员未按时报告健康状况"}[what]
    issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"{title}（管控令 {order.id}）",
        body=f"{detail}\n请立即上门核实并处置：/control/orders/{order.id}",
        owner_jurisdiction_id=order.community_id,
        deadline=ctx.now + timedelta(hours=2),
        subject_type="control_order",
        subject_id=f"{order.id}:{what}:{day.isoformat()}",
        kind=f"control.{what}",
    )


def scan_missed(ctx: Ctx, day: date | None = None) -> int:
    """For `day` (default yesterday): every active order with fewer reports than its checks per day raises
    one assignment (once per order and day)."""
    day = day or today(ctx) - timedelta(days=1)
    raised, after = 0, 0
    while True:
        orders = list(
            ctx.session.scalars(
                select(ControlOrder)
                .where(ControlOrder.status == "active", ControlOrder.id > after)
                .order_by(ControlOrder.id)
                .limit(_BATCH)
            )
        )
        if not orders:
            return raised
        after = orders[-1].id
        counts = dict(
            ctx.session.execute(
                select(HealthReport.order_id, func.count(HealthReport.id))
                .where(HealthReport.order_id.in_([o.id for o in orders]), HealthReport.reported_on == day)
                .group_by(HealthReport.order_id)
            ).all()
        )
        for order in orders:
            started = order.given_on or order.last_exposure_on
            if day < started or day > order.ends_on or (order.missed_flagged_on or date.min) >= day:
                continue
            need = rules.MONITORING[order.kind][0]
            if counts.get(order.id, 0) < need:
                order.missed_flagged_on = day
                _raise(
                    ctx, order, "missed", f"{day.isoformat()} 报告 {counts.get(order.id, 0)}/{need} 次", day
                )
                raised += 1


@dataclass(frozen=True)
class FollowUp:
    order: ControlOrder
    phase: str
    day: int
    checks: int
    reported: int
    last_temperature: float | None
    test_due: bool
    release_due: bool


def follow_up(
    ctx: Ctx, scope: ColumnElement[bool], day: date, team: str, after: int | None, size: int
) -> list[FollowUp]:
    """The daily follow-up list: active orders in scope (optionally of a team), with today's reports, the
    test due today and whether release is due; keyset by order id."""
    query = select(ControlOrder).where(scope, orders_filter_active())
    if team:
        query = query.where(ControlOrder.team == team)
    if after:
        query = query.where(ControlOrder.id > after)
    orders = list(ctx.session.scalars(query.order_by(ControlOrder.id).limit(size)))
    reports: dict[int, list[HealthReport]] = {}
    if orders:
        for r in ctx.session.scalars(
            select(HealthReport)
            .where(HealthReport.order_id.in_([o.id for o in orders]), HealthReport.reported_on == day)
            .order_by(HealthReport.id)
        ):
            reports.setdefault(r.order_id, []).append(r)
    out = []
    for o in orders:
        mine = reports.get(o.id, [])
        out.append(
            FollowUp(
                o,
                rules.phase_on(plan_of(o), o.last_exposure_on, day),
                (day - o.last_exposure_on).days,
                rules.MONITORING[o.kind][0],
                len(mine),
                mine[-1].temperature if mine else None,
                rules.tests_due(rules.parse_days(o.test_days), o.last_exposure_on, day),
                day >= o.ends_on,
            )
        )
    return out


def orders_filter_active() -> ColumnElement[bool]:
    return ControlOrder.status == "active"


__all__ = ["FollowUp", "follow_up", "orders_filter", "record_report", "scan_missed"]
