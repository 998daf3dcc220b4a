"""The dashboard from known arranged data: figures from the pre-aggregated tables, links to the lists
behind them, the scope walls, the refresh (periodic, on demand, after tracing events) and plotly.js
served from the package."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.analytics import refresh, tasks
from lianfang.analytics.models import AnalyticsDaily
from lianfang.core.jobs import Job, run_periodic
from lianfang.tracing.events import CaseOpened
from tests.analytics.world import case, make_world
from tests.factories.accounts import bearer, csrf_of, page_login
from tests.factories.people import make_person


def test_city_figures_from_arranged_data(ctx, client):
    w = make_world(ctx)
    body = bearer(client, w.city_user).get("/api/analytics/dashboard").json()
    total = body["total"]
    daily = total["daily"]
    assert daily["cases.confirmed.local"][-1] == 1 and daily["cases.asymptomatic.local"][-1] == 1
    assert daily["cases.confirmed.imported"][-3] == 1 and daily["cases.asymptomatic.imported"][-2] == 1
    assert sum(sum(daily[m]) for m in daily if m.startswith("cases.") and m != "cases.under_control") == 4
    assert sum(daily["cases.under_control"]) == 2
    assert sum(daily["contacts.found"]) == 3 and sum(daily["contacts.controlled_24h"]) == 1
    assert daily["scans"][-1] == 5 and daily["scans"][-2] == 3
    assert total["now"] == {
        "orders.centralised": 2,
        "orders.home_quarantine": 1,
        "venues.sealed": 1,
        "zones.high": 1,
    }
    assert total["rt"] is not None and total["rt"]["low"] < total["rt"]["mean"] < total["rt"]["high"]
    names = {d["name"]: d for d in body["districts"]}
    cy, hd = names["朝阳区"], names["海淀区"]
    assert sum(cy["daily"]["contacts.found"]) == 2 and sum(hd["daily"]["contacts.found"]) == 1
    assert cy["now"] == {"orders.centralised": 1, "orders.home_quarantine": 1, "zones.high": 1}
    assert hd["now"] == {"orders.centralised": 1, "venues.sealed": 1}
    assert body["panels"][0]["key"] == "supply"


def test_page_shows_every_figure_with_its_list(ctx, client):
    w = make_world(ctx)
    page = page_login(client, w.city_user).get("/analytics")
    assert page.status_code == 200
    html = page.text
    for link in (
        'href="/tracing"',
        'href="/tracing/metrics"',
        'href="/control?status=active&amp;kind=centralised"',
        'href="/venues?status=sealed"',
        'href="/control/zones"',
        'href="/travel/risk-areas"',
        f'href="/vaccination?jurisdiction_id={w.city["110000"].id}"',
        'href="/command/board"',
        'href="/checkins"',
        'href="/supply"',
    ):
        assert link in html, link
    assert 'id="district-' in html and "朝阳区" in html and "海淀区" in html
    assert 'src="/vendor/plotly.min.js"' in html and "cdn" not in html.lower()
    assert 'data-figure="{&#34;data&#34;' in html  # the chart specs, escaped in the attribute
    english = client.get("/analytics?lang=en").text
    assert "Situation dashboard" in english and "New infections today" in english


def test_district_sees_its_own_district_only(ctx, client, new_client):
    w = make_world(ctx)
    body = bearer(client, w.chaoyang_user).get("/api/analytics/dashboard").json()
    assert body["jurisdiction_id"] == w.chaoyang.id and body["districts"] == []
    assert sum(body["total"]["daily"]["contacts.found"]) == 2
    assert body["total"]["now"].get("venues.sealed") is None  # Haidian's sealed venue is not counted
    worker = bearer(new_client(), w.worker)
    assert worker.get("/api/analytics/dashboard").status_code == 403
    assert page_login(new_client(), w.worker).get("/analytics").status_code == 403
    assert new_client().get("/api/analytics/dashboard").status_code == 401


def test_refresh_periodic_on_demand_and_after_events(ctx, client, new_client, runtime):
    w = make_world(ctx)
    person = make_person(ctx, w.city["110108002001"])
    case(ctx, person, 0)
    ctx.session.flush()
    before = bearer(client, w.city_user).get("/api/analytics/dashboard").json()
    assert before["total"]["daily"]["cases.confirmed.local"][-1] == 1  # not refreshed yet
    run_periodic(runtime, {}, 10_000.0, ctx.now)
    after = client.get("/api/analytics/dashboard").json()
    assert after["total"]["daily"]["cases.confirmed.local"][-1] == 2
    ctx.publish(CaseOpened(1, person.id, person.jurisdiction_path, "open", "community_screening"))
    jobs = ctx.session.scalars(select(Job).where(Job.kind == tasks.JOB)).all()
    assert len(jobs) == 1
    ctx.publish(CaseOpened(1, person.id, person.jurisdiction_path, "open", "community_screening"))
    assert len(ctx.session.scalars(select(Job).where(Job.kind == tasks.JOB)).all()) == 1  # one per minute
    page = page_login(new_client(), w.city_user)
    token = csrf_of(page, "/analytics")
    assert (
        page.post("/analytics/refresh", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    )
    district = page_login(new_client(), w.chaoyang_user)
    token = csrf_of(district, "/analytics")
    assert district.post("/analytics/refresh", data={"csrf_token": token}).status_code == 403


def test_refresh_keeps_older_scan_days_and_drops_old_rows(ctx):
    make_world(ctx)
    rows = lambda: {  # noqa: E731
        (r.day, r.metric): r.value for r in ctx.session.scalars(select(AnalyticsDaily)) if r.metric == "scans"
    }
    first = rows()
    refresh.refresh(ctx)  # only the last SCAN_DAYS days of scans are regrouped
    assert rows() == first and len(first) == 2


def test_plotly_is_served_from_the_package(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) > 1_000_000 and b"plotly" in response.content[:2000].lower()


def test_the_district_map_places_and_shades_each_district(ctx, client):
    w = make_world(ctx)
    body = bearer(client, w.city_user).get("/api/analytics/dashboard").json()
    week = {
        d["name"]: sum(
            sum(v[-7:])
            for k, v in d["daily"].items()
            if k.startswith("cases.") and k != "cases.under_control"
        )
        for d in body["districts"]
    }
    html = page_login(client, w.city_user).get("/analytics").text
    start = html.index('id="district-map"')
    svg = html[start : html.index("</svg>", start)]
    cy, hd = w.city["110105"], w.city["110108"]
    assert f'href="/jurisdictions/{cy.id}"' in svg and f'href="/jurisdictions/{hd.id}"' in svg
    assert f">{week['朝阳区']}</text>" in svg and f">{week['海淀区']}</text>" in svg
    # 海淀 (column 1) west of 朝阳 (column 4), both in row 2 of the grid, tiles 98 units apart
    assert 'translate(98,196)"' in svg.split("海淀区")[0].rsplit("<a ", 1)[-1]
    assert 'translate(392,196)"' in svg.split("朝阳区")[0].rsplit("<a ", 1)[-1]
