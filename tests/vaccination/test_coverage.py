"""Coverage from known data: counts by jurisdiction and age group out of the pre-aggregated table, the
roll-up to streets, districts and the city, the scope of who sees what, and the periodic refresh."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.jobs import run_periodic
from lianfang.vaccination import refresh
from lianfang.vaccination.models import VaccinationCoverage, VaccinationStatus
from tests.factories.accounts import bearer
from tests.factories.vaccination import born_years_ago, days_ago, give, make_world, person


def _arrange(ctx):
    w = make_world(ctx)
    c, o = w.community, w.other_community
    adult, _ = person(ctx, c, born_years_ago(ctx, 30))
    elder, _ = person(ctx, c, born_years_ago(ctx, 70))
    child, _ = person(ctx, c, born_years_ago(ctx, 10))
    person(ctx, c, born_years_ago(ctx, 40))  # unvaccinated adult
    far, _ = person(ctx, o, born_years_ago(ctx, 85))
    give(ctx, adult, (1, "sinovac", days_ago(ctx, 300)), (2, "sinovac", days_ago(ctx, 270)))  # due
    give(ctx, elder, (1, "cansino", days_ago(ctx, 250)), (2, "sinopharm_bibp", days_ago(ctx, 20)))  # boosted
    give(ctx, child, (1, "sinovac", days_ago(ctx, 30)))  # one dose
    give(
        ctx,
        far,
        (1, "zf2001", days_ago(ctx, 90)),
        (2, "zf2001", days_ago(ctx, 60)),
        (3, "zf2001", days_ago(ctx, 30)),
    )
    refresh.refresh_coverage(ctx)
    return w


def _table(rows):
    return {
        (r["name"], r["age_group"]): (
            r["population"],
            r["one_dose"],
            r["primary_complete"],
            r["boosted"],
            r["due"],
        )
        for r in rows
    }


def test_coverage_figures_by_district_and_age_group(ctx, client):
    w = _arrange(ctx)
    body = bearer(client, w.city_command).get("/api/vaccination/coverage").json()
    assert body["jurisdiction_id"] == w.city["110000"].id and body["age_groups"][:2] == ["0-2", "3-17"]
    table = _table(body["rows"])
    assert table[("北京市", "18-59")] == (2, 1, 1, 0, 1)
    assert table[("北京市", "60-79")] == (1, 1, 1, 1, 0)
    assert table[("北京市", "3-17")] == (1, 1, 0, 0, 0)
    assert table[("北京市", "80+")] == (1, 1, 1, 0, 0)  # three doses of ZF2001 are the primary course
    assert table[("朝阳区", "18-59")] == (2, 1, 1, 0, 1) and ("朝阳区", "80+") not in table
    assert table[("海淀区", "80+")] == (1, 1, 1, 0, 0)
    street = bearer(client, w.chaoyang).get(
        f"/api/vaccination/coverage?jurisdiction_id={w.city['110105001'].id}"
    )
    assert _table(street.json()["rows"])[(w.community.name, "60-79")] == (1, 1, 1, 1, 0)


def test_coverage_scope_walls(ctx, client, new_client):
    w = _arrange(ctx)
    haidian = bearer(new_client(), w.haidian)
    assert haidian.get(f"/api/vaccination/coverage?jurisdiction_id={w.city['110105'].id}").status_code == 404
    own = haidian.get("/api/vaccination/coverage").json()
    assert {r["name"] for r in own["rows"]} <= {"海淀区", "中关村街道", "学院路街道"}
    assert bearer(new_client(), w.lab).get("/api/vaccination/coverage").status_code == 403
    assert bearer(new_client(), w.investigator).get("/api/vaccination/coverage").status_code == 200


def test_periodic_scan_moves_due_dates_and_refreshes(ctx, runtime, session):
    w = make_world(ctx)
    soon, _ = person(ctx, w.community, born_years_ago(ctx, 30))
    completed = days_ago(ctx, 170)
    give(ctx, soon, (1, "cansino", completed))
    status = session.get(VaccinationStatus, soon.id)
    assert status.state == "upcoming"
    status.booster_due_on = days_ago(ctx, 1)  # as if the days had passed since the last recompute
    session.commit()
    assert run_periodic(runtime, {}, 0.0, ctx.now + timedelta(minutes=1)) > 0
    session.expire_all()
    assert session.get(VaccinationStatus, soon.id).state == "due"
    city = session.scalar(
        select(VaccinationCoverage).where(
            VaccinationCoverage.jurisdiction_id == w.city["110000"].id,
            VaccinationCoverage.age_group == "18-59",
        )
    )
    assert city is not None and (city.population, city.due) == (1, 1)
