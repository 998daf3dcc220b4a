"""The public information page without sign-in: the published bulletin, the risk areas in force and the
published policy pages; drafts and unpublished pages are not shown."""

from __future__ import annotations

from datetime import timedelta

from lianfang.core.clock import local_date
from tests.factories.accounts import bearer, csrf_of, page_login


def test_public_page_without_sign_in(ctx, world, client, new_client):
    office = bearer(new_client(), world.office)
    day = (local_date(ctx.now) - timedelta(days=1)).isoformat()
    item = office.post("/api/information/bulletins", json={"day": day}).json()
    assert client.get(f"/info/bulletins/{item['id']}").status_code == 404  # a draft is not public
    office.post(f"/api/information/bulletins/{item['id']}/approve")
    office.post(f"/api/information/bulletins/{item['id']}/publish")
    staff = page_login(new_client(), world.office)
    token = csrf_of(staff, "/information/policies")
    policy = {"csrf_token": token, "title_zh": "返京政策解读", "title_en": "Returning to Beijing"}
    policy |= {"body_zh": "第一段\n\n第二段", "body_en": "First\n\nSecond", "published": "1"}
    assert staff.post("/information/policies", data=policy, follow_redirects=False).status_code == 303
    hidden = policy | {"title_zh": "内部草稿", "title_en": "Internal draft", "published": ""}
    staff.post("/information/policies", data=hidden, follow_redirects=False)
    assert staff.post("/information/policies", data=policy | {"title_en": ""}).status_code == 422
    listing = staff.get("/information/policies")
    assert "内部草稿" in listing.text and "返京政策解读" in listing.text
    edit_link = listing.text.split("/information/policies?edit=")[1].split('"')[0]
    assert "返京政策解读" in staff.get(f"/information/policies?edit={edit_link}").text

    page = client.get("/info")
    assert page.status_code == 200
    assert "新增本土确诊病例2例" in page.text and "某小区" in page.text and "高风险区" in page.text
    assert "返京政策解读" in page.text and "内部草稿" not in page.text
    english = client.get("/info?lang=en")
    assert "2 new local confirmed cases" in english.text
    assert client.get(f"/info/bulletins/{item['id']}").status_code == 200
    policy_id = page.text.split("/info/policies/")[1].split('"')[0]
    shown = client.get(f"/info/policies/{policy_id}?lang=zh_CN")
    assert shown.status_code == 200 and "第二段" in shown.text
    assert client.get("/info/policies/999999").status_code == 404
    # a correction: the old version says so and links to the new one
    new = office.post(f"/api/information/bulletins/{item['id']}/revise").json()
    office.post(f"/api/information/bulletins/{new['id']}/approve")
    office.post(f"/api/information/bulletins/{new['id']}/publish")
    old = client.get(f"/info/bulletins/{item['id']}?lang=zh_CN")
    assert "本通报已更正" in old.text and f"/info/bulletins/{new['id']}" in old.text
