"""The command journey in a real browser: the office records a meeting and a decision for a district
(due 24:00 today), the district acknowledges and completes it, and the office's board shows it done."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser
DISTRICT_PASSWORD = "district-journey-pass"


def _district(page: Page, server: str) -> None:
    """A district and its command account, made through the API as the administrator."""
    token = page.request.post(
        f"{server}/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD, "name": "journey"}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    made = page.request.post(
        f"{server}/api/jurisdictions",
        data={"code": "110116", "name": "怀柔区", "level": "district", "parent_code": "110000"},
        headers=headers,
    )
    assert made.status == 201, made.text()
    user = page.request.post(
        f"{server}/api/users",
        data={
            "username": "huairou",
            "display_name": "怀柔区指挥部",
            "password": DISTRICT_PASSWORD,
            "role": "district_command",
            "jurisdiction_id": made.json()["id"],
        },
        headers=headers,
    )
    assert user.status == 201, user.text()


def test_meeting_directive_district_completes_board(page: Page, browser: Browser, server: str) -> None:
    _district(page, server)
    sign_in(page, server, "admin", ADMIN_PASSWORD)
    page.goto(f"{server}/command/meetings")
    page.get_by_label("会议", exact=True).fill("领导小组第一百二十九次会议")
    page.get_by_role("button", name="保存会议").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第一百二十九次会议")
    page.get_by_label("决定事项").fill("排查近14天有额济纳旗旅居史人员")
    expect(page.get_by_text("留空：今日24:00（不过夜）")).to_be_visible()
    page.get_by_label("怀柔区").check()
    page.get_by_role("button", name="下发指令").click()
    decisions = page.locator("#decisions + .table-wrap")
    expect(decisions).to_contain_text("排查近14天有额济纳旗旅居史人员")
    expect(decisions).to_contain_text("已下发")
    shot(page, "command-meeting")

    district = browser.new_context(locale="zh-CN").new_page()
    sign_in(district, server, "huairou", DISTRICT_PASSWORD)
    district.goto(f"{server}/work")
    district.get_by_role("link", name="排查近14天有额济纳旗旅居史人员").click()
    district.get_by_role("button", name="签收").click()
    district.get_by_label("办结情况（必填）").fill("已排查56人，均已落实健康监测")
    district.get_by_role("button", name="办结").click()
    expect(district.locator("body")).to_contain_text("已办结")
    district.context.close()

    page.reload()
    expect(page.locator("#decisions + .table-wrap")).to_contain_text("已办结")
    page.goto(f"{server}/command/board")
    page.get_by_role("button", name="立即刷新").click()
    row = page.locator("table.board tr", has_text="怀柔区")
    expect(row).to_contain_text("100%")
    shot(page, "command-board")
