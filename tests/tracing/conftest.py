"""Tracing tests run under the 9th edition (which judges secondary contacts); today's date would select
the 二十条 of 2022-11-11, which do not. `test_api` checks the date-based choice by unpinning."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def ninth_edition(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(settings, "tracing_edition", "9th")


@pytest.fixture
def sim_cli(settings, runtime, monkeypatch):  # type: ignore[no-untyped-def]
    """`lianfang sim ...` through the real CLI on the test's rolled-back connection (as tests/sim do)."""
    from typer.testing import CliRunner

    from lianfang import cli
    from lianfang.sim import cli as sim_cli_module

    monkeypatch.setattr(sim_cli_module, "_settings", lambda: settings)
    monkeypatch.setattr(sim_cli_module, "_factory", lambda _settings: runtime.factory)
    cli._register_plugins()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.app, ["sim", *args])
