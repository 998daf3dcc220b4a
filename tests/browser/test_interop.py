"""The checkpoint's DCC page in a real browser on a phone: a checkpoint officer signs in, pastes a
certificate's QR text and sees the refusal and its reason (this server has no trust list configured, so
every signer is unknown), on a 390-px screen without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_control import PASSWORD, _call, _token
from tests.browser.test_journeys import sign_in
from tests.factories import dcc

pytestmark = pytest.mark.browser


def test_checkpoint_checks_a_certificate_on_a_phone(browser: Browser, server: str) -> None:
    token = _token(server, "admin", ADMIN_PASSWORD)
    district = _call(
        server,
        "/api/jurisdictions",
        {"code": "110111", "name": "房山区", "level": "district", "parent_code": "110000"},
        token,
    )["id"]
    user = {
        "username": "dcc-officer",
        "display_name": "dcc-officer",
        "password": PASSWORD,
        "role": "checkpoint",
    }
    _call(server, "/api/users", user | {"jurisdiction_id": district}, token)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    sign_in(page, server, "dcc-officer", PASSWORD)
    page.goto(f"{server}/interop/dcc")
    page.get_by_label("扫描或粘贴二维码内容（HC1:…）").fill(dcc.sign(dcc.make_issuer(), dcc.vaccination()))
    page.get_by_role("button", name="查验", exact=True).click()
    result = page.locator("#dcc-result")
    expect(result).to_have_attribute("data-reason", "unknown_kid")
    expect(result).to_contain_text("信任列表中没有该签名证书")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "dcc-check-phone")
