"""An investigation in a real browser: an investigator opens a case by identity number, has the rules
propose the household contact, confirms it with the row's button and sees it sent to the community; the
page works on a phone width."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_journeys import sign_in
from tests.factories.people import valid_id_number

pytestmark = pytest.mark.browser
PASSWORD = "liudiao-pass-2026"


def _call(base: str, path: str, body: dict[str, Any], token: str = "") -> Any:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(f"{base}{path}", json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _arrange(base: str) -> str:
    """A district, street and community, two people in one household and an investigator (by the API)."""
    token = _call(base, "/api/auth/token", {"username": "admin", "password": ADMIN_PASSWORD, "name": "t"})[
        "token"
    ]
    root, made = "110000", {}
    for code, name, level, parent in (
        ("110106", "丰台区", "district", root),
        ("110106001", "右安门街道", "street", "110106"),
        ("110106001001", "玉林社区", "community", "110106001"),
    ):
        made = _call(
            base,
            "/api/jurisdictions",
            {"code": code, "name": name, "level": level, "parent_code": parent},
            token,
        )
    district_id = made["id"] - 2
    number = valid_id_number(region="110106", sequence=11)
    for name, id_number in (("陈病例", number), ("陈家人", valid_id_number(region="110106", sequence=12))):
        body = {
            "name": name,
            "id_number": id_number,
            "community_code": "110106001001",
            "household_code": "88",
        }
        _call(base, "/api/people", body, token)
    user = {"username": "tracer", "display_name": "流调队员", "password": PASSWORD, "role": "investigator"}
    _call(base, "/api/users", user | {"jurisdiction_id": district_id}, token)
    return number


def test_investigator_opens_a_case_and_sends_the_household_contact(
    browser: Browser, page: Page, server: str
) -> None:
    number = _arrange(server)
    sign_in(page, server, "tracer", PASSWORD)
    page.goto(f"{server}/tracing")
    expect(page.get_by_role("heading", level=1)).to_contain_text("流调溯源")
    page.get_by_label("身份证号").fill(number)
    page.get_by_label("发病时间").fill("2026-11-20T09:00")
    page.get_by_role("button", name="新建病例").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("陈")
    page.get_by_role("button", name="按规则研判密接").click()
    expect(page.locator("#contact-table")).to_contain_text("共同居住生活")
    expect(page.locator("#contact-table")).to_contain_text("RULES §1.2 (1)")
    page.locator("#contact-table").get_by_role("button", name="判定").first.click()
    expect(page.locator("#requests")).to_contain_text("社区落位管控")
    expect(page.locator("#requests")).to_contain_text("玉林社区")
    shot(page, "tracing-case")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    small = phone.new_page()
    sign_in(small, server, "tracer", PASSWORD)
    expect(small.locator(".who")).to_contain_text("tracer")
    small.goto(f"{server}/tracing")
    expect(small.locator("table").first).to_contain_text("陈")
    shot(small, "tracing-list-phone")
    phone.close()
