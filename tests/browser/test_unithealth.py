"""The unit health officer's daily report in a real browser on a phone: a zero report, then a correction
person by person (the earlier version is kept); the street worker then sees the unit as reported."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_journeys import sign_in
from tests.factories.people import valid_id_number
from tests.factories.units import valid_uscc

pytestmark = pytest.mark.browser
PASSWORD = "danwei-pass-2026"


def _call(base: str, path: str, body: dict[str, Any], token: str = "") -> Any:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(f"{base}{path}", json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _arrange(base: str) -> None:
    """石景山区 › 八宝山街道 › 鲁谷社区, a school with two people and its officer (by the API)."""
    token = _call(base, "/api/auth/token", {"username": "admin", "password": ADMIN_PASSWORD, "name": "t"})[
        "token"
    ]
    made: dict[str, Any] = {}
    for code, name, level, parent in (
        ("110107", "石景山区", "district", "110000"),
        ("110107001", "八宝山街道", "street", "110107"),
        ("110107001001", "鲁谷社区", "community", "110107001"),
    ):
        made[code] = _call(
            base,
            "/api/jurisdictions",
            {"code": code, "name": name, "level": level, "parent_code": parent},
            token,
        )
    unit = _call(
        base,
        "/api/units",
        {
            "code": valid_uscc(7001, region="110107"),
            "name": "鲁谷小学",
            "kind": "school",
            "community_code": "110107001001",
        },
        token,
    )
    for i, (name, role) in enumerate((("周老师", "teacher"), ("吴同学", "student"))):
        number = valid_id_number(region="110107", sequence=21 + i)
        _call(
            base, "/api/people", {"name": name, "id_number": number, "community_code": "110107001001"}, token
        )
        _call(
            base,
            f"/api/units/{unit['id']}/staff",
            {"id_number": number, "role": role, "group_name": "三年级2班"},
            token,
        )
    users = (
        ("luguofficer", "鲁谷小学健康专员", "unit_officer", made["110107001001"]["id"]),
        ("babaoshan", "八宝山街道", "community_worker", made["110107001"]["id"]),
    )
    for username, display, role, home in users:
        user = _call(
            base,
            "/api/users",
            {
                "username": username,
                "display_name": display,
                "password": PASSWORD,
                "role": role,
                "jurisdiction_id": home,
            },
            token,
        )
        if role == "unit_officer":
            _call(base, f"/api/units/{unit['id']}/officers", {"user_id": user["id"]}, token)


def test_unit_officer_files_the_daily_report_on_a_phone(browser: Browser, server: str) -> None:
    _arrange(server)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    sign_in(page, server, "luguofficer", PASSWORD)
    page.goto(f"{server}/unithealth")
    expect(page.locator(".card").first).to_contain_text("今日未报")
    page.locator(".card").first.get_by_role("link", name="健康日报", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("鲁谷小学")
    page.get_by_role("button", name="提交零报告").click()
    expect(page.locator("#saved")).to_contain_text("日报已保存")
    expect(page.locator("#report-status")).to_contain_text("零报告")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the daily report scrolls sideways on a phone ({width}px)"
    shot(page, "unithealth-daily-phone")

    page.locator("fieldset", has_text="周老师").get_by_label("体温（℃）").fill("38.2")
    page.get_by_label("更正原因").fill("下午复测发热")
    page.get_by_role("button", name="提交日报").click()
    expect(page.locator("#report-status")).to_contain_text("版本 2")
    expect(page.locator("table")).to_contain_text("下午复测发热")
    shot(page, "unithealth-corrected-phone")
    phone.close()

    desk = browser.new_context(locale="zh-CN")
    street = desk.new_page()
    sign_in(street, server, "babaoshan", PASSWORD)
    street.goto(f"{server}/unithealth/missing")
    expect(street.get_by_role("table").last).to_contain_text("鲁谷小学")
    expect(street.get_by_role("table").first).to_contain_text("所有单位均已报送")
    desk.close()
