"""Every vaccination page rendered and used: coverage, the due list with its bulk form, a person's doses
with the staff form (saved and refused), the site file upload, and the permission-gated nav link."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.sim.vaccination_demo import demo_vaccination
from lianfang.vaccination import refresh
from lianfang.vaccination.models import VaccinationDose, VaccinationStatus
from tests.factories.accounts import csrf_of, page_login
from tests.factories.vaccination import born_years_ago, days_ago, give, make_world, person


def test_coverage_and_due_pages_with_bulk_actions(ctx, client, new_client, session):
    w = make_world(ctx)
    due, _ = person(ctx, w.community, born_years_ago(ctx, 33), "赵六")
    give(ctx, due, (1, "sinovac", days_ago(ctx, 300)), (2, "sinovac", days_ago(ctx, 279)))
    refresh.refresh_coverage(ctx)
    command = page_login(client, w.chaoyang)
    home = command.get("/vaccination")
    assert home.status_code == 200 and 'href="/vaccination"' in home.text and "18–59" in home.text
    assert "建外街道" in home.text and "100.0%" in home.text
    listed = command.get("/vaccination/due")
    assert listed.status_code == 200 and "赵*" in listed.text and "赵六" not in listed.text
    assert 'value="outreach"' in listed.text
    token = csrf_of(command, "/vaccination/due")
    done = command.post(
        "/vaccination/due", data={"csrf_token": token, "person_ids": [str(due.id)], "action": "outreach"}
    )
    assert done.status_code == 200 and "已生成动员任务" in done.text
    assert session.scalar(select(Assignment).where(Assignment.kind == "vaccination.outreach")) is not None
    nothing = command.post("/vaccination/due", data={"csrf_token": token, "action": "contacted"})
    assert nothing.status_code == 422 and "person_ids" in nothing.text
    assert command.get("/vaccination/due?state=upcoming").status_code == 200
    lab = page_login(new_client(), w.lab)
    assert lab.get("/vaccination").status_code == 403 and 'href="/vaccination"' not in lab.get("/work").text


def test_person_page_form_and_walls(ctx, client, session):
    w = make_world(ctx)
    who, _ = person(ctx, w.community, born_years_ago(ctx, 25), "钱七")
    far, _ = person(ctx, w.other_community, born_years_ago(ctx, 25))
    worker = page_login(client, w.worker)
    assert f'href="/vaccination/people/{who.id}"' in worker.get(f"/people/{who.id}").text
    page = worker.get(f"/vaccination/people/{who.id}")
    assert page.status_code == 200 and 'name="dose_number"' in page.text
    assert worker.get(f"/vaccination/people/{far.id}").status_code == 404
    token = csrf_of(worker, f"/vaccination/people/{who.id}")
    form = {
        "csrf_token": token,
        "dose_number": "1",
        "product": "cansino",
        "dosed_on": str(days_ago(ctx, 5)),
        "site_code": "S1",
    }
    saved = worker.post(f"/vaccination/people/{who.id}/doses", data=form, follow_redirects=False)
    assert saved.status_code == 303
    refused = worker.post(
        f"/vaccination/people/{who.id}/doses", data=form | {"dosed_on": "2030-01-01", "dose_number": "2"}
    )
    assert refused.status_code == 422 and "dosed_on" in refused.text and 'value="S1"' in refused.text
    shown = worker.get(f"/vaccination/people/{who.id}").text
    assert "康希诺" in shown
    assert session.get(VaccinationStatus, who.id).state == "upcoming"


def test_import_page_reports_rows(ctx, client, session):
    w = make_world(ctx)
    _who, number = person(ctx, w.community, born_years_ago(ctx, 60))
    command = page_login(client, w.city_command)
    assert command.get("/vaccination/import").status_code == 200
    token = csrf_of(command, "/vaccination/import")
    body = "id_number,product,dose_number,dosed_on,site_code\n"
    body += f"{number},sinovac,1,{days_ago(ctx, 9)},S1\n{number},x,2,,S1\n"
    answer = command.post(
        "/vaccination/import", data={"csrf_token": token}, files={"file": ("d.csv", body.encode())}
    )
    assert (
        answer.status_code == 200
        and 'id="import-problems"' in answer.text
        and "<code>product</code>" in answer.text
    )
    assert session.scalar(select(VaccinationDose.site_code)) == "S1"
    bad = command.post(
        "/vaccination/import", data={"csrf_token": token}, files={"file": ("d.txt", b"a,b\n1,2\n")}
    )
    assert bad.status_code == 422


def test_demo_doses_give_coverage_and_due_lists(ctx, session, settings):
    w = make_world(ctx)
    people = [person(ctx, w.community, born_years_ago(ctx, age, days=age))[0] for age in range(1, 90, 3)]
    line = demo_vaccination(session, settings)
    assert line.startswith("vaccination: ") and "coverage refreshed" in line
    states = {
        session.get(VaccinationStatus, p.id).state for p in people if session.get(VaccinationStatus, p.id)
    }
    assert {"boosted", "due"} <= states
    assert session.get(VaccinationStatus, people[0].id) is None  # under 3: no dose
