"""The daily bulletin through the API and pages: figures from known cases, contacts, orders and risk
areas; editing, approval, publication, immutability and correction; exports; the audit trail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.control.models import ControlOrder
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.core.tabular import read_table
from lianfang.information.models import Bulletin
from tests.factories.accounts import bearer, csrf_of, page_login


def _yesterday(ctx) -> str:  # type: ignore[no-untyped-def]
    return (local_date(ctx.now) - timedelta(days=1)).isoformat()


def test_figures_are_computed_from_the_days_data(ctx, world, client, session):
    api = bearer(client, world.office)
    answer = api.post("/api/information/bulletins", json={"day": _yesterday(ctx)})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    f = body["figures"]
    assert f["cases"]["local"] == {"confirmed": 2, "asymptomatic": 1}
    assert f["cases"]["imported"] == {"confirmed": 1, "asymptomatic": 0}
    assert f["found_by"] == {
        "under_control": 0,
        "community_screening": 2,
        "clinic": 1,
        "arrival_screening": 1,
    }
    assert [(d["name"], d["confirmed"], d["asymptomatic"]) for d in f["districts"]] == [
        ("朝阳区", 2, 0),
        ("海淀区", 0, 1),
    ]
    assert f["contacts"] == {"found": 1, "controlled": 1}
    active = dict(
        session.execute(
            select(ControlOrder.kind, func.count())
            .where(ControlOrder.status == "active")
            .group_by(ControlOrder.kind)
        ).all()
    )
    assert {k: v for k, v in f["orders"].items() if v} == active
    assert f["risk_areas"]["high"] == 1
    assert "新增本土确诊病例2例、无症状感染者1例" in body["body_zh"]
    assert "新增输入确诊病例1例" in body["body_zh"]
    assert "朝阳区2例，海淀区1例" in body["body_zh"]
    assert "本市现有高风险区1个" in body["body_zh"]
    assert "2 new local confirmed cases and 1 local asymptomatic infections" in body["body_en"]
    assert body["status"] == "draft" and body["version"] == 1
    # one open draft per day; no bulletin for a future day
    again = api.post("/api/information/bulletins", json={"day": _yesterday(ctx)})
    assert again.status_code == 409 and again.json()["error"]["message_en"]
    future = (local_date(ctx.now) + timedelta(days=1)).isoformat()
    bad = api.post("/api/information/bulletins", json={"day": future})
    assert bad.status_code == 422 and bad.json()["error"]["problems"][0]["field"] == "day"
    assert session.scalar(select(func.count()).select_from(Bulletin)) == 1


def test_edit_approve_publish_and_correct(ctx, world, client, new_client, session):
    office = bearer(client, world.office)
    item = office.post("/api/information/bulletins", json={"day": _yesterday(ctx)}).json()
    url = f"/api/information/bulletins/{item['id']}"
    text = {
        "title_zh": "北京市疫情通报",
        "title_en": "Beijing bulletin",
        "body_zh": "正文",
        "body_en": "Text",
    }
    assert office.patch(url, json=text | {"body_en": " "}).status_code == 422  # nothing half-written
    assert office.get(url).json()["body_zh"] != "正文"
    edited = office.patch(url, json=text)
    assert edited.status_code == 200 and edited.json()["body_zh"] == "正文"
    assert office.post(url + "/publish").status_code == 409  # approval comes first
    district = bearer(new_client(), world.chaoyang)
    assert district.post(url + "/approve").status_code == 403
    assert district.get(url).status_code == 404  # the city's bulletin is outside a district's scope
    assert office.post(url + "/approve").json()["status"] == "approved"
    # editing an approved draft takes the approval back
    assert office.patch(url, json=text | {"body_zh": "正文二"}).json()["status"] == "draft"
    office.post(url + "/approve")
    published = office.post(url + "/publish").json()
    assert published["status"] == "published" and published["published_at"]
    # a published bulletin never changes
    assert office.patch(url, json=text | {"body_zh": "改"}).status_code == 409
    assert office.post(url + "/regenerate").status_code == 409
    assert office.get(url).json()["body_zh"] == "正文二"
    correction = office.post(url + "/revise")
    assert correction.status_code == 201
    new = correction.json()
    assert new["version"] == 2 and new["supersedes_id"] == item["id"] and new["status"] == "draft"
    assert office.post(url + "/revise").status_code == 409  # one correction at a time
    new_url = f"/api/information/bulletins/{new['id']}"
    office.post(new_url + "/approve")
    office.post(new_url + "/publish")
    old = office.get(url).json()
    assert (
        old["status"] == "superseded" and old["superseded_by_id"] == new["id"] and old["body_zh"] == "正文二"
    )
    verbs = set(
        session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_type == "information_bulletin"))
    )
    assert {
        "information.bulletin." + v for v in ("generate", "edit", "approve", "publish", "revise", "supersede")
    } <= verbs
    public = client.get("/api/information/public/bulletins")
    assert [b["version"] for b in public.json()["items"]] == [2, 1]


def test_pages_generate_edit_approve_and_briefing(ctx, world, client, session):
    page_login(client, world.office)
    index = client.get("/information")
    assert index.status_code == 200 and "每日通报" in index.text
    token = csrf_of(client, "/information")
    bad = client.post("/information/bulletins", data={"csrf_token": token, "day": "24/10"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    made = client.post(
        "/information/bulletins", data={"csrf_token": token, "day": _yesterday(ctx)}, follow_redirects=False
    )
    assert made.status_code == 303
    url = made.headers["location"]
    detail = client.get(url)
    assert detail.status_code == 200 and "新增本土确诊病例2例" in detail.text and "审核通过" in detail.text
    token = csrf_of(client, url)
    form = {"csrf_token": token, "title_zh": "标题", "title_en": "Title", "body_zh": "", "body_en": "Text"}
    assert client.post(url, data=form).status_code == 422
    form["body_zh"] = "十月通报正文"
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    for action in ("approve", "publish"):
        assert (
            client.post(f"{url}/{action}", data={"csrf_token": token}, follow_redirects=False).status_code
            == 303
        )
    shown = client.get(url)
    assert "十月通报正文" in shown.text and "发布更正版本" in shown.text
    briefing = client.get(url + "/briefing")
    assert briefing.status_code == 200 and "一、疫情概况" in briefing.text and "1. Situation" in briefing.text
    english = client.get(url + "?lang=en")
    assert "Correct with a new version" in english.text
    revised = client.post(f"{url}/revise", data={"csrf_token": token}, follow_redirects=False)
    assert revised.status_code == 303
    regen = client.post(
        revised.headers["location"] + "/regenerate", data={"csrf_token": token}, follow_redirects=False
    )
    assert regen.status_code == 303


def test_figures_export_parses_back(ctx, world, client):
    api = bearer(client, world.office)
    item = api.post("/api/information/bulletins", json={"day": _yesterday(ctx)}).json()
    for fmt in ("csv", "xlsx"):
        answer = api.get(f"/api/information/bulletins/{item['id']}/figures?fmt={fmt}")
        assert answer.status_code == 200
        rows = read_table(f"f.{fmt}", answer.content, ["key", "value"])
        values = {r.get("key"): r.get("value") for r in rows}
        assert values["cases.local.confirmed"] == "2" and values["contacts.controlled"] == "1"
    page_login(client, world.office)
    assert client.get(f"/information/bulletins/{item['id']}/figures?fmt=xlsx").status_code == 200


def test_walls_for_bulletins(ctx, world, client, new_client):
    worker = bearer(client, world.worker)
    assert worker.get("/api/information/bulletins").status_code == 403
    assert worker.post("/api/information/bulletins", json={"day": _yesterday(ctx)}).status_code == 403
    district = bearer(new_client(), world.chaoyang)
    assert district.post("/api/information/bulletins", json={"day": _yesterday(ctx)}).status_code == 403
    page = page_login(new_client(), world.worker)
    assert page.get("/information").status_code == 403
    assert "/information" not in page.get("/work").text.split("mainnav")[1].split("</nav>")[0]
