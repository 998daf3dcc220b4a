"""The `rt` command (ANALYTICS.md section 1) on a throwaway Typer application."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from lianfang.analytics.cli import register
from lianfang.analytics.rules import estimate_rt_parametric

from .test_rt import FLU2009_I

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root, so that `rt` stays a named sub-command."""

    register(app)
    return app


@pytest.fixture
def flu_csv(tmp_path: Path) -> Path:
    first = date(2009, 4, 27)
    rows = [f"{first + timedelta(days=d)},{n}" for d, n in enumerate(FLU2009_I)]
    lines = ["date,I", *rows]
    path = tmp_path / "flu2009.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rt_json_matches_library(flu_csv: Path) -> None:
    """ANALYTICS.md section 1.1: parametric SI mean 2.6, sd 1.5 on Flu2009, printed as JSON."""
    result = runner.invoke(_app(), ["rt", str(flu_csv), "2.6", "1.5", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    expected = estimate_rt_parametric(FLU2009_I, None, 2.6, 1.5)
    assert len(payload["windows"]) == len(expected.windows) == 25
    first = payload["windows"][0]
    assert (first["t_start"], first["t_end"]) == (2, 8)
    assert (first["start_date"], first["end_date"]) == ("2009-04-28", "2009-05-04")
    assert first["mean"] == pytest.approx(expected.windows[0].mean)
    assert first["quantiles"]["0.975"] == pytest.approx(expected.windows[0].quantiles[0.975])
    assert payload["low_case_warning"] is False


def test_rt_table(flu_csv: Path) -> None:
    """Plain output is a readable table, one line per window."""
    result = runner.invoke(_app(), ["rt", str(flu_csv), "2.6", "1.5", "--window", "14"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Mean serial interval:")
    assert lines[1].split() == ["window", "end", "date", "mean", "std", "2.5%", "median", "97.5%"]
    assert lines[2].split()[:2] == ["2-15", "2009-05-11"]
    assert lines[-1].split()[:2] == ["19-32", "2009-05-28"]
    assert len(lines) == 2 + 32 - 14


def test_rt_low_case_warning_is_shown(tmp_path: Path) -> None:
    """ANALYTICS.md section 1.1: fewer than 11 cases in the first window."""
    path = tmp_path / "few.csv"
    path.write_text("local,imported\n" + "1,0\n" * 10, encoding="utf-8")
    result = runner.invoke(_app(), ["rt", str(path), "2.6", "1.5"])
    assert result.exit_code == 0
    assert "Warning: too few cases" in result.stdout


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("local,imported\n1,0\n2,x\n", ["2.6", "1.5"], "row 3"),
        ("I\n" + "3\n" * 10, ["0.5", "1.5"], "serial interval needs mean > 1"),
        ("I\n" + "3\n" * 5, ["2.6", "1.5"], "too few"),
    ],
)
def test_rt_bad_input_exits_2(tmp_path: Path, content: str, args: list[str], message: str) -> None:
    """Bad input: a message on stderr and exit code 2."""
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(_app(), ["rt", str(path), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_rt_missing_file_exits_2(tmp_path: Path) -> None:
    """An unreadable file is bad input too."""
    result = runner.invoke(_app(), ["rt", str(tmp_path / "absent.csv"), "2.6", "1.5"])
    assert result.exit_code == 2
    assert "Cannot read" in result.stderr
