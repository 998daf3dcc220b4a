"""Travel's observation becomes an order; missed reports and fevers raise assignments once; the daily
follow-up list and the tests due today; a resident reports on their own order only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.control.models import ControlOrder, HealthReport
from lianfang.control.monitoring import service as monitoring
from lianfang.core.clock import local_date
from tests.factories.accounts import bearer
from tests.factories.control import result
from tests.factories.tracing import make_scene


def test_an_inbound_arrival_becomes_an_order_with_travels_plan(ctx, client, session):
    scene = make_scene(ctx)
    worker = bearer(client, scene.community_worker)
    arrived = local_date(ctx.now) - timedelta(days=2)
    body = {
        "person_id": scene.shopper.id,
        "arrived_on": str(arrived),
        "from_country": "gbr",
        "port": "首都机场T3",
    }
    made = worker.post("/api/travel/arrivals", json=body)
    assert made.status_code == 201, made.text
    obs = made.json()["observation"]
    order = session.scalars(select(ControlOrder).where(ControlOrder.person_id == scene.shopper.id)).one()
    assert (order.source, order.source_ref, order.person_class) == ("travel", str(obs["id"]), "inbound")
    assert order.last_exposure_on == arrived and order.centralised_days == obs["centralised_days"]
    assert order.ends_on == arrived + timedelta(
        days=obs["centralised_days"] + obs["home_days"] + obs["monitoring_days"]
    )


def _order(worker, person, cls="close", days_ago=0, ctx=None):
    day = local_date(ctx.now) - timedelta(days=days_ago)
    made = worker.post(
        "/api/control/orders",
        json={"person_id": person.id, "person_class": cls, "last_exposure_on": day.isoformat()},
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_missed_reports_raise_one_assignment_per_day(ctx, client, session):
    scene = make_scene(ctx)
    worker = bearer(client, scene.community_worker)
    first = _order(worker, scene.housemate, days_ago=3, ctx=ctx)
    second = _order(worker, scene.shopper, days_ago=3, ctx=ctx)
    session.get(ControlOrder, first["id"]).given_on = local_date(ctx.now) - timedelta(days=3)
    session.get(ControlOrder, second["id"]).given_on = local_date(ctx.now) - timedelta(days=3)
    yesterday = local_date(ctx.now) - timedelta(days=1)
    for _ in range(2):  # centralised: two checks a day
        session.add(
            HealthReport(
                order_id=second["id"],
                person_id=scene.shopper.id,
                jurisdiction_path=scene.shopper.jurisdiction_path,
                reported_on=yesterday,
                reported_at=ctx.now,
                temperature=36.5,
                symptoms="",
                by="worker",
            )
        )
    session.flush()
    assert monitoring.scan_missed(ctx, yesterday) == 1
    assert monitoring.scan_missed(ctx, yesterday) == 0  # once per order and day
    missed = session.scalars(select(Assignment).where(Assignment.kind == "control.missed")).all()
    assert len(missed) == 1 and missed[0].subject_id.startswith(f"{first['id']}:missed:")


def test_follow_up_list_and_tests_due_today(ctx, client):
    scene = make_scene(ctx)
    worker = bearer(client, scene.community_worker)
    due = _order(worker, scene.housemate, days_ago=1, ctx=ctx)  # 二十条 or 9th: day 1 is a test day
    not_due = _order(worker, scene.shopper, days_ago=4, ctx=ctx)  # day 4: no test in 9th / 二十条
    worker.post(
        "/api/control/orders/bulk",
        json={"ids": [due["id"], not_due["id"]], "action": "assign", "team": "二组"},
    )
    page = worker.get("/control/follow-up", params={"team": "二组"})
    assert page.status_code == 200 and "李同住" in page.text and "钱顾客" in page.text
    tests = worker.get("/control/follow-up", params={"team": "二组", "tests": 1})
    assert "李同住" in tests.text and "钱顾客" not in tests.text


def test_a_resident_reports_on_their_own_order_only(ctx, client, new_client, session, settings):
    from tests.factories.people import make_person, resident_bearer

    scene = make_scene(ctx)
    me = make_person(ctx, scene.city["110105001001"], "周居民", phone="13912345678")
    worker = bearer(new_client(), scene.community_worker)
    mine = _order(worker, me, cls="discharged", ctx=ctx)
    theirs = _order(worker, scene.housemate, ctx=ctx)
    resident = resident_bearer(client, session, settings, "13912345678")
    ok = resident.post(f"/api/control/orders/{mine['id']}/reports", json={"temperature": 36.4})
    assert ok.status_code == 201 and ok.json()["by"] == "self"
    assert (
        resident.post(f"/api/control/orders/{theirs['id']}/reports", json={"temperature": 36.4}).status_code
        == 404
    )
    page = resident.get("/me/control")
    assert page.status_code == 200 and "周居民" in page.text and "今日上报" in page.text
    assert worker.post(f"/api/control/orders/{mine['id']}/send").status_code == 202


def test_a_secondary_contact_is_released_only_after_the_linked_contacts_two_negatives(
    ctx, client, monkeypatch
):
    from lianfang.control import service as orders

    scene = make_scene(ctx)
    monkeypatch.setattr(ctx.settings, "control_edition", "9th")
    worker = bearer(client, scene.district_command)
    start = local_date(ctx.now) - timedelta(days=8)
    secondary = orders.issue_order(
        ctx,
        orders.OrderInput(
            scene.classmates_mother.id, "secondary", start, linked_person_id=scene.classmate.id
        ),
    )
    result(ctx, scene.classmates_mother, "negative", ctx.now - timedelta(days=1))
    refused = worker.post(f"/api/control/orders/{secondary.id}/release", json={})
    assert refused.status_code == 422 and "linked close contact" in refused.text
    result(ctx, scene.classmate, "negative", ctx.now - timedelta(days=3))
    result(ctx, scene.classmate, "negative", ctx.now - timedelta(days=2))
    assert worker.post(f"/api/control/orders/{secondary.id}/release", json={}).status_code == 200
