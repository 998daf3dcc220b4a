"""Status follows the facts at once, through the events of the lower modules, and each clears by its own
path; the nightly pass applies date-based changes; every change keeps its cause."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from lianfang.control import service as orders
from lianfang.control.service import OrderInput
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime, run_due_jobs
from lianfang.healthcodes import rules
from lianfang.healthcodes.models import HealthStatus, HealthStatusChange
from lianfang.healthcodes.status import service
from lianfang.healthcodes.status import tasks as nightly
from lianfang.testing.events import ResultsRecorded
from lianfang.travel import service as travel_service
from lianfang.travel.flags import service as flags
from tests.factories.control import result
from tests.factories.healthcodes import medicine_duty, pool_positive
from tests.factories.travel import CHENGGUAN, days_ago, make_world, stay, today


def _stored(ctx: Ctx, person_id: int) -> tuple[str, str]:
    ctx.session.expire_all()
    row = ctx.session.get(HealthStatus, person_id)
    return (row.colour, row.popups) if row else ("green", "")


def test_an_order_turns_the_code_yellow_at_once_and_release_turns_it_green(ctx: Ctx) -> None:
    world = make_world(ctx)
    order = orders.issue_order(ctx, OrderInput(world.person.id, "close", days_ago(ctx, 1), edition="bj2020"))
    assert order.kind in ("centralised", "home_quarantine")
    colour = "red" if order.kind == "centralised" else "yellow"
    assert _stored(ctx, world.person.id) == (colour, "")
    change = ctx.session.scalars(
        select(HealthStatusChange).where(HealthStatusChange.person_id == world.person.id)
    ).one()
    assert change.cause.startswith(f"control order {order.id} issued")
    assert (change.before_colour, change.after_colour) == ("green", colour)
    orders.end_order(ctx, order, "released")
    assert _stored(ctx, world.person.id) == ("green", "")


def test_an_order_moves_from_centralised_to_home_by_date(ctx: Ctx) -> None:
    world = make_world(ctx)
    order = orders.issue_order(ctx, OrderInput(world.person.id, "close", days_ago(ctx, 0), edition="bj2020"))
    if order.centralised_days == 0 or order.home_days + order.monitoring_days == 0:
        return
    assert _stored(ctx, world.person.id)[0] == "red"
    row = ctx.session.get(HealthStatus, world.person.id)
    assert row is not None
    assert row.next_change_on == today(ctx) + timedelta(days=order.centralised_days + 1)
    later = replace(ctx, now=ctx.now + timedelta(days=order.centralised_days + 1))
    assert nightly.run_pass(later) >= 1
    assert _stored(later, world.person.id)[0] == "yellow"


def test_pool_positive_raises_3_and_the_recheck_clears_it(ctx: Ctx) -> None:
    world = make_world(ctx)
    control = pool_positive(ctx, world.person)
    assert _stored(ctx, world.person.id) == ("green", "3")
    control.lifted_at, control.lifted_reason = ctx.now, "recheck_negative"
    ctx.session.flush()
    ctx.publish(ResultsRecorded(ctx.now, 1))
    assert service.status_of(replace(ctx, now=ctx.now + timedelta(seconds=1)), world.person.id).popups == ()


def test_medicine_duty_raises_4_and_a_negative_result_clears_it_at_midnight(ctx: Ctx) -> None:
    world = make_world(ctx)
    duty = medicine_duty(ctx, world.person)
    assert _stored(ctx, world.person.id) == ("green", "4")
    tested = ctx.now - timedelta(hours=1)
    result(ctx, world.person, "negative", tested)
    ctx.publish(ResultsRecorded(tested, 1))
    ctx.session.refresh(duty)
    assert duty.cleared_at is not None
    assert _stored(ctx, world.person.id) == ("green", "4")  # 当日24时前结果出来的，过了24时才取消
    midnight = replace(ctx, now=rules.start_of_day(today(ctx) + timedelta(days=1)) + timedelta(minutes=1))
    row = ctx.session.get(HealthStatus, world.person.id)
    assert row is not None and row.clears_on == today(ctx) + timedelta(days=1)
    assert nightly.run_pass(midnight) == 1  # cleared set-based: every fact on the row is over
    assert _stored(midnight, world.person.id) == ("green", "")
    assert ctx.session.get(HealthStatus, world.person.id) is None
    last = ctx.session.scalars(
        select(HealthStatusChange)
        .where(HealthStatusChange.person_id == world.person.id)
        .order_by(HealthStatusChange.id.desc())
    ).first()
    assert last is not None and (last.cause, last.before_popups, last.after_popups) == (
        "nightly pass 24:00",
        "4",
        "",
    )


def test_a_listed_county_flags_1_through_the_job_and_verification_clears_it(
    ctx: Ctx, runtime: Runtime
) -> None:
    world = make_world(ctx)
    stay(ctx, world.person, CHENGGUAN, 5, 0)
    travel_service.create_risk_area(
        ctx, travel_service.RiskAreaInput(CHENGGUAN, "county", today(ctx), "甘肃省通报", "no_new_14d")
    )
    flags.reflag(ctx)
    run_due_jobs(runtime, ctx.now + timedelta(seconds=5))
    assert service.status_of(ctx, world.person.id).popups == ("1",)
    assert _stored(ctx, world.person.id) == ("green", "1")


def test_a_border_county_raises_5_until_a_negative_test(ctx: Ctx) -> None:
    world = make_world(ctx)
    stay(ctx, world.person, CHENGGUAN, 5, 0)
    travel_service.create_risk_area(
        ctx, travel_service.RiskAreaInput(CHENGGUAN, "border", today(ctx), "口岸县名单", "no_new_14d")
    )
    flags.reflag(ctx)
    assert service.status_of(ctx, world.person.id).popups == ("5",)
    result(ctx, world.person, "negative", ctx.now + timedelta(minutes=1))
    later = replace(ctx, now=ctx.now + timedelta(minutes=2))
    assert service.status_of(later, world.person.id).popups == ("5",)  # shows through the result's day
    tomorrow = replace(ctx, now=rules.start_of_day(today(ctx) + timedelta(days=1)) + timedelta(hours=1))
    assert service.status_of(tomorrow, world.person.id).popups == ()


def test_a_return_without_a_test_raises_4_on_the_due_day(ctx: Ctx) -> None:
    world = make_world(ctx)
    stay(ctx, world.person, CHENGGUAN, 6, 1)
    rule_set = rules.rule_set_on(today(ctx))
    due = rules.arrival_test_due(days_ago(ctx, 1), rule_set)
    derived = service.status_of(ctx, world.person.id)
    assert ("4" in derived.popups) == (due <= today(ctx))
    on_due = replace(ctx, now=rules.start_of_day(due) + timedelta(hours=9))
    assert "4" in service.status_of(on_due, world.person.id).popups
    result(ctx, world.person, "negative", on_due.now + timedelta(hours=1))
    next_day = replace(ctx, now=rules.start_of_day(due + timedelta(days=1)) + timedelta(hours=9))
    assert "4" not in service.status_of(next_day, world.person.id).popups


def test_green_people_get_no_row_and_the_pass_touches_only_due_rows(ctx: Ctx) -> None:
    world = make_world(ctx)
    assert service.refresh(ctx, [world.person.id, world.other.id], "test") == 0
    assert ctx.session.get(HealthStatus, world.person.id) is None
    assert nightly.run_pass(replace(ctx, now=ctx.now + timedelta(days=3))) == 0
    assert local_date(ctx.now) == today(ctx)


def test_rebuild_derives_people_whose_facts_came_without_events(ctx: Ctx) -> None:
    world = make_world(ctx)
    quiet = replace(ctx, bus=type(ctx.bus)())  # a loader's context: nobody listens
    orders.issue_order(quiet, OrderInput(world.person.id, "close", days_ago(ctx, 1), edition="bj2020"))
    assert ctx.session.get(HealthStatus, world.person.id) is None
    seen: list[tuple[int, int]] = []
    assert service.rebuild(ctx, lambda done, total: seen.append((done, total))) == 1
    assert _stored(ctx, world.person.id)[0] in ("red", "yellow")
    assert seen[-1] == (1, 1)
    assert service.rebuild(ctx) == 0  # a second run changes nothing
