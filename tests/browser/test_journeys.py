"""Main journeys in a real browser: an administrator signs in and imports the jurisdiction tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, shot

pytestmark = pytest.mark.browser

TREE = (
    "code,name,level,parent_code,name_en\n"
    "110108,海淀区,区,110000,Haidian\n"
    "110108001,中关村街道,街道,110108,Zhongguancun\n"
    "110108001001,科育社区,社区,110108001,\n"
    "110108001002,,社区,110108001,\n"
)


def sign_in(page: Page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_admin_signs_in_and_imports_a_jurisdiction_file(page: Page, server: str, tmp_path: Path) -> None:
    sign_in(page, server, "admin", "wrong-password-here")
    expect(page.locator(".problems")).to_contain_text("用户名或密码错误")
    sign_in(page, server, "admin", ADMIN_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    shot(page, "home")

    page.goto(f"{server}/jurisdictions")
    page.get_by_role("link", name="导入CSV/Excel").click()
    csv_file = tmp_path / "tree.csv"
    csv_file.write_text(TREE, encoding="utf-8")
    page.get_by_label("文件").set_input_files(str(csv_file))
    page.get_by_role("button", name="导入").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("新增 3")
    expect(page.locator(".problems")).to_contain_text("名称不能为空")
    shot(page, "import-report")

    page.goto(f"{server}/jurisdictions")
    page.get_by_role("link", name="海淀区").click()
    page.get_by_role("link", name="中关村街道").click()
    expect(page.get_by_role("link", name="科育社区")).to_be_visible()

    page.goto(f"{server}/jurisdictions")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出CSV").first.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "110108001001" in exported and "科育社区" in exported

    page.goto(f"{server}/jurisdictions?lang=en")
    expect(page.get_by_role("link", name="Import CSV / Excel")).to_be_visible()


def test_resident_page_fits_a_phone(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/resident/login")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_label("验证码")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "resident-login-phone")
    context.close()
