"""Docs that cannot drift: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from lianfang import cli
from lianfang.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_operations_md():
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"LIANFANG_{name.upper()}" not in text]
    assert not missing, f"document these settings in docs/operations.md: {missing}"


def test_every_cli_command_is_in_the_readme():
    cli._register_plugins()  # the same registration main() does
    group = typer.main.get_command(cli.app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in names if f"lianfang {name}" not in text]
    assert len(names) >= 6
    assert not missing, f"document these commands in README.md: {missing}"
