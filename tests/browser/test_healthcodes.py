"""Health codes in a real browser, on a phone: a community worker puts a resident under an order; the
resident signs in with a one-time code, sees the colour, the reason and a QR code, and appeals; the
worker keeps the code with a reason and the resident sees the outcome."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from lianfang.core.clock import SHANGHAI
from tests.browser.conftest import ADMIN_PASSWORD, SERVER_LOGS, shot
from tests.browser.test_control import PASSWORD, _call, _token
from tests.browser.test_journeys import sign_in
from tests.factories.people import valid_id_number

pytestmark = pytest.mark.browser
PHONE = "13987654321"


def _arrange(base: str) -> None:
    token = _token(base, "admin", ADMIN_PASSWORD)
    ids = {}
    for code, name, level, parent in (
        ("110109", "门头沟区", "district", "110000"),
        ("110109001", "大峪街道", "street", "110109"),
        ("110109001001", "峪园社区", "community", "110109001"),
    ):
        ids[code] = _call(
            base,
            "/api/jurisdictions",
            {"code": code, "name": name, "level": level, "parent_code": parent},
            token,
        )["id"]
    person = _call(
        base,
        "/api/people",
        {
            "name": "孙居民",
            "id_number": valid_id_number(region="110109", sequence=31),
            "community_code": "110109001001",
            "phone": PHONE,
        },
        token,
    )["id"]
    user = {
        "username": "hc-worker",
        "display_name": "hc-worker",
        "password": PASSWORD,
        "role": "community_worker",
    }
    _call(base, "/api/users", user | {"jurisdiction_id": ids["110109001001"]}, token)
    worker = _token(base, "hc-worker", PASSWORD)
    exposed = (datetime.now(SHANGHAI).date() - timedelta(days=1)).isoformat()
    _call(
        base,
        "/api/control/orders",
        {"person_id": person, "person_class": "close", "last_exposure_on": exposed},
        worker,
    )


def _sms_code(base: str) -> str:
    for _ in range(50):
        found = re.findall(r"SMS to \+?8?6?" + PHONE[-4:] + r".*?(\d{6})", SERVER_LOGS[base].read_text())
        found = found or re.findall(PHONE + r".*?(\d{6})", SERVER_LOGS[base].read_text())
        if found:
            return found[-1]
        time.sleep(0.2)
    pytest.fail("no one-time code in the server log")


def test_resident_sees_the_code_appeals_and_sees_the_outcome(browser: Browser, server: str) -> None:
    _arrange(server)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    page.goto(f"{server}/resident/login")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("验证码").fill(_sms_code(server))
    page.get_by_role("button", name="登录").click()
    page.goto(f"{server}/me/healthcode")
    status = page.locator("section.status")
    expect(status).to_contain_text(re.compile("集中观察|居家观察"))
    expect(status.locator(".status-name")).to_have_text("孙**")
    qr = page.locator("img#qr")
    expect(qr).to_be_visible()
    src = qr.get_attribute("src")
    answer = page.request.get(f"{server}{src}")
    assert answer.status == 200, answer.text()[:500]
    page.wait_for_function("document.getElementById('qr').naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "healthcode-resident-phone")
    page.get_by_label("申诉事项").select_option("c")
    page.get_by_label("申诉理由（由社区核实）").fill("我已解除隔离")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_text("待处理")).to_be_visible()

    desk = browser.new_context(locale="zh-CN").new_page()
    sign_in(desk, server, "hc-worker", PASSWORD)
    desk.goto(f"{server}/healthcodes/appeals")
    desk.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
    desk.get_by_label("维持").check()
    desk.get_by_label("原因").fill("隔离期未满")
    desk.get_by_role("button", name="处理").click()
    expect(desk.get_by_text("隔离期未满")).to_be_visible()
    shot(desk, "healthcode-appeal-decided")

    page.reload()
    expect(page.get_by_text("隔离期未满")).to_be_visible()
    phone.close()
