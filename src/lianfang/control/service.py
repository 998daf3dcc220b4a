"""Control orders (管控令) for people: issued from the plan of the rule set in force (tracing contacts,
travel observations, discharged patients, sealed zones, by hand), changed with a reason, released when the
plan completes and the tests are negative. The only writer of control_orders; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from lianfang.control import rules
from lianfang.control.access import DECIDE, WRITE, access_order
from lianfang.control.events import OrderChanged
from lianfang.control.models import ControlOrder, ControlOrderChange, IsolationRoom
from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, DomainError, Invalid, Problem
from lianfang.core.jobs import enqueue
from lianfang.people.access import access_person
from lianfang.people.models import Person
from lianfang.testing.models import Sample, Tube, TubeResult


@dataclass(frozen=True)
class OrderInput:
    person_id: int
    person_class: str
    last_exposure_on: date
    source: str = "manual"
    source_ref: str = ""
    edition: str | None = None  # None: the edition in force on the last exposure date
    given_how: str = "verbal"
    work_prohibited: bool = True
    linked_person_id: int | None = None
    plan: rules.Plan | None = None  # a plan decided elsewhere (travel's observation), else the rule set's


def _audit(ctx: Ctx, order: ControlOrder, verb: str, **detail: object) -> None:
    audit.record(ctx, f"control.order.{verb}", "control_order", order.id, order.jurisdiction_path, **detail)


def today(ctx: Ctx) -> date:
    return local_date(ctx.now)


def active_order(ctx: Ctx, person_id: int, person_class: str | None = None) -> ControlOrder | None:
    query = select(ControlOrder).where(ControlOrder.person_id == person_id, ControlOrder.status == "active")
    if person_class:
        query = query.where(ControlOrder.person_class == person_class)
    return ctx.session.scalars(query.order_by(ControlOrder.id)).first()


def issue_order(ctx: Ctx, data: OrderInput) -> ControlOrder:
    """Issue (or return the existing order for the same person and source: idempotent)."""
    ctx.actor.require(WRITE)
    person = access_person(ctx.session, ctx.actor, data.person_id)
    existing = ctx.session.scalar(
        select(ControlOrder).where(
            ControlOrder.person_id == person.id,
            ControlOrder.source == data.source,
            ControlOrder.source_ref == data.source_ref,
        )
    )
    if existing is not None:
        return existing
    edition = data.edition or ctx.settings.control_edition or rules.edition_on(data.last_exposure_on)
    plan = data.plan or rules.plan_for(edition, data.person_class)
    problems: list[Problem] = []
    if plan is None:
        problems.append(
            Problem(
                "person_class",
                "现行方案对该类人员无管控措施",
                "the rule set in force has no measure for this class",
            )
        )
    if data.given_how not in rules.GIVEN_HOW:
        problems.append(Problem("given_how", "告知方式无效", "unknown way of giving the order"))
    if data.last_exposure_on > today(ctx):
        problems.append(
            Problem("last_exposure_on", "末次暴露日期不能晚于今天", "the last exposure is in the future")
        )
    if problems:
        raise Invalid(problems)
    assert plan is not None
    order = ControlOrder(
        person_id=person.id,
        community_id=person.community_id,
        jurisdiction_path=person.jurisdiction_path,
        source=data.source,
        source_ref=data.source_ref,
        person_class=data.person_class,
        edition=edition,
        kind=plan.kind,
        centralised_days=plan.centralised_days,
        home_days=plan.home_days,
        monitoring_days=plan.monitoring_days,
        test_days=",".join(str(d) for d in plan.test_days),
        swab=plan.swab,
        double_test=plan.double_test,
        citation=plan.citation,
        last_exposure_on=data.last_exposure_on,
        ends_on=data.last_exposure_on + timedelta(days=plan.total_days),
        given_how=data.given_how,
        given_on=today(ctx),
        work_prohibited=data.work_prohibited,
        linked_person_id=data.linked_person_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(order)
    ctx.session.flush()
    _audit(ctx, order, "issue", person_class=data.person_class, edition=edition, source=data.source)
    ctx.publish(OrderChanged(order.id, order.person_id, "issued"))
    return order


def plan_of(order: ControlOrder) -> rules.Plan:
    return rules.Plan(
        order.edition,
        order.person_class,
        order.kind,
        order.centralised_days,
        order.home_days,
        order.monitoring_days,
        rules.parse_days(order.test_days),
        order.swab,
        order.double_test,
        order.citation,
    )


def results_since(ctx: Ctx, person_id: int, since: date) -> list[str]:
    """The person's test results (negative | positive | invalid) sampled on or after `since`, in order. A
    positive pooled tube is no result for its members yet: their single-tube recheck decides."""
    rows = ctx.session.execute(
        select(Sample.sampled_at, Tube.kind, TubeResult.result)
        .join(Tube, Tube.id == Sample.tube_id)
        .join(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(Sample.person_id == person_id)
        .order_by(Sample.sampled_at)
    ).all()
    return [
        str(r)
        for at, kind, r in rows
        if local_date(at) >= since and not (kind == "pooled" and r == "positive")
    ]


def change_days(ctx: Ctx, order_id: int, days: int, reason: str) -> ControlOrder:
    """Extend (days > 0) or reduce (days < 0) an active order, with the reason."""
    ctx.actor.require(WRITE)
    order = access_order(ctx.session, ctx.actor, order_id)
    problems = _change_problems(order, days, reason)
    if problems:
        raise Invalid(problems)
    _apply_change(ctx, order, days, reason)
    return order


def _change_problems(order: ControlOrder, days: int, reason: str) -> list[Problem]:
    problems: list[Problem] = []
    if order.status != "active":
        problems.append(Problem("status", "管控令已结束", "the order has ended"))
    if days == 0 or abs(days) > 60:
        problems.append(Problem("days", "调整天数应为±1至60天", "change by 1 to 60 days, up or down"))
    elif order.ends_on + timedelta(days=days) < order.last_exposure_on:
        problems.append(
            Problem("days", "缩短后结束日期早于末次暴露", "the reduction ends before the exposure")
        )
    if not reason.strip():
        problems.append(Problem("reason", "请填写调整理由", "give the reason"))
    return problems


def _apply_change(ctx: Ctx, order: ControlOrder, days: int, reason: str) -> None:
    before = order.ends_on
    order.ends_on = before + timedelta(days=days)
    order.updated_at = ctx.now
    ctx.session.add(
        ControlOrderChange(
            order_id=order.id,
            days=days,
            reason=reason.strip()[:500],
            before_ends_on=before,
            after_ends_on=order.ends_on,
            by_user_id=ctx.actor.user_id,
            at=ctx.now,
        )
    )
    _audit(ctx, order, "change", before=before.isoformat(), after=order.ends_on.isoformat(), reason=reason)
    ctx.publish(OrderChanged(order.id, order.person_id, "changed"))


def release_problems(ctx: Ctx, order: ControlOrder) -> list[Problem]:
    if order.status != "active":
        return [Problem("status", "管控令已结束", "the order has ended")]
    results = results_since(ctx, order.person_id, order.last_exposure_on)
    found = rules.release_problems(
        order.ends_on, today(ctx), results, rules.parse_days(order.test_days), order.double_test
    )
    if order.person_class == "secondary" and order.linked_person_id is not None:
        linked = results_since(ctx, order.linked_person_id, order.last_exposure_on)
        if rules.secondary_outcome(linked) != "clear":
            found.append(
                (
                    "对应密接前两次核酸尚未均为阴性",
                    "the linked close contact's first two tests are not both negative",
                )
            )
    return [Problem("release", zh, en) for zh, en in found]


def send_document(ctx: Ctx, order_id: int) -> None:
    """Send the order to the person (the `notify` outbox job; SMS delivery is the job's concern)."""
    ctx.actor.require(WRITE)
    order = access_order(ctx.session, ctx.actor, order_id)
    require_active(order)
    enqueue(
        ctx,
        "notify",
        {"event": "control_order", "order_id": order.id, "person_id": order.person_id, "title": "管控告知书"},
        dedupe_key=f"control-order:{order.id}:{order.ends_on.isoformat()}",
    )
    _audit(ctx, order, "send")


def end_order(ctx: Ctx, order: ControlOrder, reason: str) -> None:
    order.status, order.end_reason, order.ended_on, order.updated_at = "ended", reason, today(ctx), ctx.now
    room = ctx.session.scalar(select(IsolationRoom).where(IsolationRoom.order_id == order.id))
    if room is not None:
        room.order_id = None
    order.room_id = None
    _audit(ctx, order, "end", reason=reason)
    ctx.publish(OrderChanged(order.id, order.person_id, "ended"))


def release(ctx: Ctx, order_id: int, override_reason: str = "") -> ControlOrder:
    """Release when the plan completes and the tests are negative; an override needs control.decide
    and a reason, and is audited as such."""
    ctx.actor.require(WRITE)
    order = access_order(ctx.session, ctx.actor, order_id)
    problems = release_problems(ctx, order)
    if problems and order.status == "active" and override_reason.strip():
        ctx.actor.require(DECIDE)
        end_order(ctx, order, "override")
        _audit(ctx, order, "override", reason=override_reason.strip(), unmet=[p.en for p in problems])
        return order
    if problems:
        raise Invalid(problems)
    end_order(ctx, order, "completed")
    return order


def record_delivery(
    ctx: Ctx, order_id: int, given_how: str, delivered: bool, work_prohibited: bool
) -> ControlOrder:
    ctx.actor.require(WRITE)
    order = access_order(ctx.session, ctx.actor, order_id)
    if given_how not in rules.GIVEN_HOW:
        raise Invalid([Problem("given_how", "告知方式无效", "unknown way of giving the order")])
    before = {"given_how": order.given_how, "delivered": order.delivered, "work": order.work_prohibited}
    order.given_how, order.work_prohibited = given_how, work_prohibited
    if delivered and not order.delivered:
        order.delivered_on = today(ctx)
    order.delivered, order.updated_at = delivered, ctx.now
    after = {"given_how": given_how, "delivered": delivered, "work": work_prohibited}
    _audit(ctx, order, "delivery", before=before, after=after)
    return order


@dataclass
class BulkResult:
    done: list[int]
    problems: list[Problem]


def bulk(
    ctx: Ctx, ids: list[int], action: str, days: int = 0, reason: str = "", team: str = ""
) -> BulkResult:
    """assign | extend | release over a selection: every order must be in scope and allow the action, or
    nothing changes (problems name the row)."""
    ctx.actor.require(WRITE)
    if action not in ("assign", "extend", "release"):
        raise Invalid([Problem("action", "批量操作无效", "unknown bulk action")])
    if not ids or len(ids) > 1000:
        raise Invalid([Problem("ids", "请选择1至1000条", "select 1 to 1000 orders")])
    orders = [access_order(ctx.session, ctx.actor, i) for i in ids]
    problems: list[Problem] = []
    for n, order in enumerate(orders):
        found = (
            _change_problems(order, days, reason)
            if action == "extend"
            else release_problems(ctx, order)
            if action == "release"
            else ([] if team.strip() else [Problem("team", "请填写小组", "name the team")])
        )
        problems += [Problem(p.field, p.zh, p.en, n + 1) for p in found]
    if problems:
        raise Invalid(problems)
    with ctx.gathered() as gathered:  # the people's codes are re-derived once, at the end
        for order in orders:
            if action == "extend":
                _apply_change(gathered, order, days, reason)
            elif action == "release":
                end_order(gathered, order, "completed")
            else:
                order.team, order.updated_at = team.strip()[:60], ctx.now
                _audit(gathered, order, "assign", team=order.team)
    return BulkResult([o.id for o in orders], [])


def escalate_secondaries(ctx: Ctx, close_person_id: int) -> list[ControlOrder]:
    """9th ed. (RULES §2): when a close contact's first two tests are not both negative, their secondary
    contacts become close contacts. Called when a result arrives for the close contact."""
    close = active_order(ctx, close_person_id, "close")
    if close is None:
        return []
    outcome = rules.secondary_outcome(results_since(ctx, close_person_id, close.last_exposure_on))
    if outcome != "escalate":
        return []
    made: list[ControlOrder] = []
    secondaries = ctx.session.scalars(
        select(ControlOrder).where(
            ControlOrder.linked_person_id == close_person_id,
            ControlOrder.person_class == "secondary",
            ControlOrder.status == "active",
        )
    ).all()
    for order in secondaries:
        end_order(ctx, order, "escalated")
        made.append(
            issue_order(
                ctx,
                OrderInput(
                    order.person_id,
                    "close",
                    order.last_exposure_on,
                    source="escalation",
                    source_ref=str(order.id),
                    edition=order.edition,
                ),
            )
        )
    return made


def person_of(ctx: Ctx, order: ControlOrder) -> Person:
    person = ctx.session.get(Person, order.person_id)
    if person is None:  # pragma: no cover - foreign key
        raise DomainError("人员不存在", "person missing", 404)
    return person


def require_active(order: ControlOrder) -> None:
    if order.status != "active":
        raise Conflict("管控令已结束", "the order has ended")
