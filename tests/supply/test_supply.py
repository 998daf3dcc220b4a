"""Supply reports through the API and the form: idempotent per outlet, day and good, corrections
audited, alerts by the rule set (hypothesis for the thresholds) with an assignment for the district's
supply group, the overview, and the walls."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.supply import rules
from lianfang.supply.models import SupplyReport
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.venues import make_venue


def _world(ctx):
    city = make_city(ctx)
    c1, c2 = city["110105001001"], city["110108001001"]
    shop, far = make_venue(ctx, c1, "保供超市"), make_venue(ctx, c2, "海淀市场", kind="market")
    gym = make_venue(ctx, c1, "健身房", kind="gym")
    return city, shop, far, gym


def _body(venue, day, **goods):
    items = [{"good": g, "stock": s, "sold": d, "price": p} for g, (s, d, p) in goods.items()]
    return {"venue_id": venue.id, "day": day.isoformat(), "items": items}


def test_report_is_idempotent_and_corrections_are_audited(ctx, client):
    city, shop, _far, _gym = _world(ctx)
    api = bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    today = local_date(ctx.now)
    body = _body(shop, today, rice=(1000, 100, 5.2), pork=(300, 50, 26))
    assert api.post("/api/supply/reports", json=body).json()["created"] == 2
    again = api.post("/api/supply/reports", json=body).json()
    assert (again["created"], again["corrected"], again["unchanged"]) == (0, 0, 2)
    fixed = api.post("/api/supply/reports", json=_body(shop, today, rice=(900, 100, 5.2))).json()
    assert fixed["corrected"] == 1
    row = ctx.session.scalar(select(SupplyReport).where(SupplyReport.good == "rice"))
    assert row.stock == 900 and row.revision == 2
    audit = ctx.session.scalar(select(AuditEntry).where(AuditEntry.verb == "supply.correct"))
    assert audit.detail["before"]["stock"] == 1000 and audit.detail["after"]["stock"] == 900


def test_alerts_raise_an_assignment_for_the_district_supply_group(ctx, client):
    city, shop, _far, _gym = _world(ctx)
    api = bearer(client, make_user(ctx, "district_command", city["110105"]))
    today = local_date(ctx.now)
    api.post("/api/supply/reports", json=_body(shop, today - timedelta(days=1), pork=(1000, 100, 20)))
    out = api.post("/api/supply/reports", json=_body(shop, today, pork=(150, 100, 26))).json()
    assert {a["kind"] for a in out["alerts"]} == {"low_stock", "price_jump"}
    assignment = ctx.session.get(Assignment, out["alerts"][0]["assignment_id"])
    assert (
        assignment.owner_jurisdiction_id == city["110105"].id and assignment.owner_group == rules.OWNER_GROUP
    )
    again = api.post("/api/supply/reports", json=_body(shop, today, pork=(140, 100, 26))).json()
    assert again["alerts"] == []  # one alert per outlet, day, good and kind
    view = api.get("/api/supply/overview").json()
    assert view["alert_counts"] == {"low_stock": 1, "price_jump": 1} and view["reporting"] == 1
    assert view["outlets"] == 1  # the gym is not an outlet; Haidian's market is out of scope


def test_walls(ctx, client, new_client):
    city, shop, far, gym = _world(ctx)
    api = bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    today = local_date(ctx.now).isoformat()
    item = [{"good": "rice", "stock": 1, "sold": 1, "price": 1}]
    assert (
        api.post("/api/supply/reports", json={"venue_id": far.id, "day": today, "items": item}).status_code
        == 404
    )
    gym_answer = api.post("/api/supply/reports", json={"venue_id": gym.id, "day": today, "items": item})
    assert gym_answer.status_code == 422
    future = (local_date(ctx.now) + timedelta(days=1)).isoformat()
    assert (
        api.post("/api/supply/reports", json={"venue_id": shop.id, "day": future, "items": item}).status_code
        == 422
    )
    lab = bearer(new_client(), make_user(ctx, "lab", city["110105"]))
    assert (
        lab.post("/api/supply/reports", json={"venue_id": shop.id, "day": today, "items": item}).status_code
        == 403
    )
    assert lab.get("/api/supply/overview").status_code == 403
    operator = make_user(ctx, "venue_operator", city["110105001001"])
    shop.operator_user_id = operator.id
    ctx.session.flush()
    own = bearer(new_client(), operator)
    assert (
        own.post("/api/supply/reports", json={"venue_id": shop.id, "day": today, "items": item}).status_code
        == 200
    )
    assert own.get("/api/supply/overview").status_code == 403


def test_form_and_overview_pages(ctx, client):
    city, shop, _far, _gym = _world(ctx)
    page = page_login(client, make_user(ctx, "district_command", city["110105"]))
    form = page.get("/supply/report")
    assert form.status_code == 200 and "保供超市" in form.text and 'name="rice.stock"' in form.text
    token = csrf_of(page, "/supply/report")
    today = local_date(ctx.now).isoformat()
    data = {
        "csrf_token": token,
        "venue_id": str(shop.id),
        "day": today,
        "rice.stock": "10",
        "rice.sold": "10",
    }
    data["rice.price"] = "5.5"
    sent = page.post("/supply/report", data=data, follow_redirects=False)
    assert sent.status_code == 303
    shown = page.get(sent.headers["location"])
    assert 'id="done"' in shown.text and 'value="5.50"' in shown.text
    bad = page.post("/supply/report", data={**data, "rice.stock": "x"})
    assert bad.status_code == 422
    overview = page.get("/supply")
    assert (
        overview.status_code == 200 and 'id="good-rice"' in overview.text and 'class="alert"' in overview.text
    )
    assert "Market supply" in page.get("/supply?lang=en").text
    dash = page.get("/analytics")
    assert 'id="panel-supply"' in dash.text and "/supply#alerts" in dash.text


@given(
    stock=st.floats(0, 1e6),
    sales=st.lists(st.floats(0.01, 1e5), min_size=1, max_size=5),
    price=st.integers(1, 100_000),
    previous=st.one_of(st.none(), st.integers(1, 100_000)),
)
def test_thresholds(stock, sales, price, previous):
    rule = rules.CURRENT
    kinds = {f.kind for f in rules.findings(rule, stock, sales, price, previous)}
    basis = sales[-rule.cover_basis_days :]
    cover = stock / (sum(basis) / len(basis))
    assert ("low_stock" in kinds) == (cover < rule.min_days_cover)
    rise = None if previous is None else (price - previous) / previous
    assert ("price_jump" in kinds) == (rise is not None and rise > rule.max_price_rise)
    assert rules.findings(rule, stock, [], price, None) == [] or not sales
