"""The manifest page (upload with its report), the trips on the case page, the cluster-suggestion page
(confirm by form, a stale selection re-rendered with the problem), in Chinese and English; and the walls."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.tracing.cases import service
from lianfang.tracing.models import TracingCase, TracingPassenger
from tests.factories.accounts import csrf_of, page_login
from tests.tracing.test_trips import flight_scene


def test_manifest_and_case_pages(ctx, client, session):
    scene, *_rest, text = flight_scene(ctx)
    page_login(client, scene.investigator)
    page = client.get("/tracing/manifests")
    assert page.status_code == 200 and "乘客名单" in page.text and 'type="file"' in page.text
    token = csrf_of(client, "/tracing/manifests")
    files = {"file": ("manifest.csv", (text + "rocket,X,2020-01-01,1,x,,1A,,\n").encode(), "text/csv")}
    done = client.post("/tracing/manifests", data={"csrf_token": token}, files=files)
    assert (
        done.status_code == 200 and 'id="import-report"' in done.text and 'id="import-problems"' in done.text
    )
    assert "CA1234" in done.text and session.scalar(select(TracingPassenger)) is not None
    broken = client.post(
        "/tracing/manifests",
        data={"csrf_token": token},
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert broken.status_code == 422 and ".xlsx" in broken.text

    case = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    page = client.get(f"/tracing/cases/{case.id}")
    assert page.status_code == 200 and 'id="trips"' in page.text
    section = page.text.split('id="trips"')[1].split('id="contacts"')[0]
    assert "CA1234" in section and "同排及前后三排" in section and "陈*" in section and "周*" in section
    assert "乘客名单" in page.text.split('id="timeline"')[1]
    english = client.get(f"/tracing/cases/{case.id}", params={"lang": "en"})
    assert "Trips and fellow passengers" in english.text and "Passenger manifest" in english.text
    client.get("/tracing", params={"lang": "zh"})


def test_suggestion_page_confirms_by_form(ctx, client, session):
    scene, *_rest = flight_scene(ctx)
    cases = [
        service.open_case(ctx, service.CaseInput(p.id, onset_at=scene.onset))
        for p in (scene.case_person, scene.housemate)
    ]
    page_login(client, scene.investigator)
    page = client.get("/tracing/cluster-suggestions")
    assert page.status_code == 200 and "聚集性疫情研判" in page.text and "同户" in page.text
    assert cases[0].code in page.text
    token = csrf_of(client, "/tracing/cluster-suggestions")
    ids = [str(c.id) for c in cases]
    done = client.post(
        "/tracing/cluster-suggestions/merge",
        data={"csrf_token": token, "case_ids": ids, "name": "家庭聚集", "setting": "household"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/tracing/clusters/")
    assert len(set(session.scalars(select(TracingCase.cluster_id)))) == 1
    stale = client.post("/tracing/cluster-suggestions/merge", data={"csrf_token": token, "case_ids": ids})
    assert stale.status_code == 422 and "已在同一" in stale.text


def test_trip_page_walls(ctx, client, new_client):
    scene, *_rest = flight_scene(ctx)
    case = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    service.open_case(ctx, service.CaseInput(scene.housemate.id, onset_at=scene.onset))
    outsider = page_login(new_client(), scene.other_investigator)
    assert case.code not in outsider.get("/tracing/cluster-suggestions").text
    worker = page_login(new_client(), scene.community_worker)
    assert worker.get("/tracing/manifests").status_code == 403
    assert worker.get("/tracing/cluster-suggestions").status_code == 403
    command = page_login(new_client(), scene.district_command)
    page = command.get("/tracing/cluster-suggestions")
    assert page.status_code == 200 and case.code in page.text and "/merge" not in page.text
    assert 'type="file"' not in command.get("/tracing/manifests").text
