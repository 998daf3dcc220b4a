"""Control in a real browser: a case is confirmed, the district command confirms the sealing and closing
proposal with one button; a community worker records a daily health report for a person under an order;
the follow-up list works on a phone width."""

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
PASSWORD = "guankong-pass-2026"


def _call(base: str, path: str, body: dict[str, Any], token: str = "") -> Any:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(f"{base}{path}", json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _token(base: str, username: str, password: str) -> str:
    return str(
        _call(base, "/api/auth/token", {"username": username, "password": password, "name": "t"})["token"]
    )


def _arrange(base: str) -> tuple[int, int]:
    """石景山区 with one community, a household of two, an investigator, a district commander and a
    community worker; the case is opened (confirmed) through the API. Returns (case person, relative)."""
    token = _token(base, "admin", ADMIN_PASSWORD)
    made: dict[str, Any] = {}
    ids = {}
    for code, name, level, parent in (
        ("110107", "石景山区", "district", "110000"),
        ("110107001", "八宝山街道", "street", "110107"),
        ("110107001001", "鲁谷社区", "community", "110107001"),
    ):
        made = _call(
            base,
            "/api/jurisdictions",
            {"code": code, "name": name, "level": level, "parent_code": parent},
            token,
        )
        ids[code] = made["id"]
    people = []
    for seq, name in ((21, "吴病例"), (22, "吴家人")):
        body = {
            "name": name,
            "id_number": valid_id_number(region="110107", sequence=seq),
            "community_code": "110107001001",
            "household_code": "77",
        }
        people.append(_call(base, "/api/people", body, token)["id"])
    for username, role, place in (
        ("gk-tracer", "investigator", "110107"),
        ("gk-command", "district_command", "110107"),
        ("gk-worker", "community_worker", "110107001001"),
    ):
        user = {"username": username, "display_name": username, "password": PASSWORD, "role": role}
        _call(base, "/api/users", user | {"jurisdiction_id": ids[place]}, token)
    tracer = _token(base, "gk-tracer", PASSWORD)
    case = {"person_id": people[0], "onset_at": "2026-11-20T09:00:00+08:00", "classification": "confirmed"}
    _call(base, "/api/tracing/cases", case, tracer)
    return people[0], people[1]


def test_district_confirms_and_worker_records_a_daily_report(
    browser: Browser, page: Page, server: str
) -> None:
    _, relative = _arrange(server)
    sign_in(page, server, "gk-command", PASSWORD)
    page.goto(f"{server}/control/proposals")
    expect(page.get_by_role("heading", level=1)).to_contain_text("封控关停建议")
    page.locator("table a").first.click()
    expect(page.locator("table")).to_contain_text("居住楼栋")
    page.get_by_role("button", name="确认：封控、关停并下达核酸检测").click()
    expect(page.locator(".notice")).to_contain_text("已确认")
    shot(page, "control-proposal")
    page.goto(f"{server}/control/zones")
    expect(page.locator("table")).to_contain_text("LD")  # named after the household and the case code

    worker = _token(server, "gk-worker", PASSWORD)
    order = _call(
        server,
        "/api/control/orders",
        {"person_id": relative, "person_class": "close", "last_exposure_on": "2026-11-20"},
        worker,
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    small = phone.new_page()
    sign_in(small, server, "gk-worker", PASSWORD)
    small.goto(f"{server}/control")
    small.get_by_role("link", name="吴家人").click()
    small.get_by_label("体温（℃）").fill("36.8")
    small.get_by_role("button", name="登记").first.click()
    expect(small.locator("table").last).to_contain_text("36.8")
    shot(small, "control-order-phone")
    small.goto(f"{server}/control/follow-up")
    expect(small.locator("table")).to_contain_text("吴家人")
    assert order["kind"] == "centralised"
    phone.close()
