"""The sampling team's journey in a real browser (phone-sized): choose the site, scan a tube barcode,
scan two residents' ID numbers, close the tube and ship it to the lab."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_journeys import sign_in
from tests.factories.people import valid_id_number

pytestmark = pytest.mark.browser
SAMPLER_PASSWORD = "sampler-journey-pass"


def test_sampling_team_registers_a_tube(browser: Browser, server: str) -> None:
    admin = browser.new_context(locale="zh-CN").new_page()
    token = admin.request.post(
        f"{server}/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD, "name": "journey"}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    made = admin.request.post(
        f"{server}/api/jurisdictions",
        data={"code": "110105", "name": "朝阳区", "level": "district", "parent_code": "110000"},
        headers=headers,
    )
    district = made.json()["id"]
    street = admin.request.post(
        f"{server}/api/jurisdictions",
        data={"code": "110105001", "name": "建外街道", "level": "street", "parent_code": "110105"},
        headers=headers,
    ).json()["id"]
    community = admin.request.post(
        f"{server}/api/jurisdictions",
        data={"code": "110105001001", "name": "建外社区", "level": "community", "parent_code": "110105001"},
        headers=headers,
    ).json()["id"]
    assert street
    numbers = [valid_id_number(sequence=11), valid_id_number(sequence=12)]
    for name, number in zip(("张三", "李四"), numbers, strict=True):
        person = admin.request.post(
            f"{server}/api/people",
            data={"name": name, "id_number": number, "community_id": community},
            headers=headers,
        )
        assert person.status == 201, person.text()
    for path, body in (
        ("/api/testing/sites", {"name": "建外第1采样点", "jurisdiction_id": community}),
        (
            "/api/testing/labs",
            {"name": "朝阳区疾控实验室", "jurisdiction_id": district, "daily_capacity": 100},
        ),
        ("/api/testing/rounds", {"name": "第1轮区域核酸", "area_jurisdiction_id": district}),
    ):
        assert admin.request.post(f"{server}{path}", data=body, headers=headers).status == 201
    user = admin.request.post(
        f"{server}/api/users",
        data={
            "username": "sampler1",
            "display_name": "采样队员",
            "password": SAMPLER_PASSWORD,
            "role": "lab",
            "jurisdiction_id": community,
        },
        headers=headers,
    )
    assert user.status == 201, user.text()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, server, "sampler1", SAMPLER_PASSWORD)
    phone.goto(f"{server}/testing/sample")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("建外第1采样点")
    phone.get_by_label("管码").fill("TUBE-0001")
    phone.get_by_role("button", name="开管").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("TUBE-0001")
    for number in numbers:
        phone.get_by_label("扫描健康码或输入证件号码").fill(number)
        phone.get_by_role("button", name="添加").click()
        expect(phone.get_by_role("status")).to_contain_text("已添加")
    expect(phone.locator("#tube-count")).to_have_text("2/10")
    expect(phone.locator("#members li")).to_have_count(2)
    shot(phone, "testing-tube")
    phone.get_by_role("button", name="封管").click()
    expect(phone.get_by_role("link", name="TUBE-0001")).to_be_visible()
    phone.get_by_role("button", name="将所选采样管转运至检测机构").click()
    expect(phone.get_by_role("status")).to_contain_text("已转运1管")
    shot(phone, "testing-shipped")
