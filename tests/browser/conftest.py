"""A real server (its own SQLite database, set up by the CLI) and a real headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import TEST_KEYS

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_PASSWORD = "browser-first-pass"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# One server and database per test file: each journey arranges its own districts and accounts, and
# journeys written apart must not collide on codes or usernames.
SERVER_LOGS: dict[str, Path] = {}  # base URL → the server's log (journeys read residents' SMS codes there)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "LIANFANG_DATABASE_URL": f"sqlite:///{workdir / 'browser.db'}",
        "LIANFANG_SECRET_KEY": TEST_KEYS["secret_key"],
        "LIANFANG_DATA_KEY": TEST_KEYS["data_key"],
        "LIANFANG_LOOKUP_KEY": TEST_KEYS["lookup_key"],
        "LIANFANG_ENVIRONMENT": "test",
    }
    cli = [sys.executable, "-m", "lianfang"]
    subprocess.run(
        [*cli, "init", "--admin-password", ADMIN_PASSWORD],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = (workdir / "server.log").open("w")
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    SERVER_LOGS[base] = workdir / "server.log"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start: " + (workdir / "server.log").read_text())
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
