"""Interop tests: the `lianfang` command line through Typer's runner (offline commands need no database)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result


@pytest.fixture
def lianfang() -> Callable[..., Result]:
    from lianfang import cli

    cli._register_plugins()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.app, [str(a) for a in args])
