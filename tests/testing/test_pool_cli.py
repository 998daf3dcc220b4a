"""The `pool-advice` command (ANALYTICS.md section 2) on a throwaway Typer application."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from lianfang.testing.pooling.cli import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root, so that `pool-advice` stays a named sub-command."""

    register(app)
    return app


def test_pool_advice_json_reference() -> None:
    """ANALYTICS.md section 2.2: the size-10 row reproduces binGroup2's D2 example."""
    args = ["pool-advice", "--prevalence", "0.01", "--se", "0.99", "--sp", "0.99", "--json"]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    row = next(r for r in payload["table"] if r["size"] == 10)
    assert round(row["tests_per_pool"], 4) == 2.0371
    assert round(row["tests_per_person"], 4) == 0.2037
    assert (round(row["pse"], 4), round(row["psp"], 4)) == (0.9801, 0.9991)
    assert round(row["percent_reduction"], 2) == 79.63
    assert payload["best_size"] == 11
    assert payload["best_validated_size"] == 10
    assert [r["size"] for r in payload["table"]] == list(range(1, 21))


def test_pool_advice_table() -> None:
    """Plain output: one row per size, the best marked and named."""
    result = runner.invoke(_app(), ["pool-advice", "--prevalence", "0.01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["size", "tests/person"]
    assert len(lines) == 2 + 20 + 2
    assert lines[-2] == "Best: pools of 11 (0.1956 tests per person)."
    assert lines[-1] == "Best validated size (5, 10 or 20 swabs per tube): 10."
    assert lines[12].split()[0] == "11*"


def test_pool_advice_high_prevalence_says_individual() -> None:
    """ANALYTICS.md section 2.1: no saving above p ~ 0.307."""
    result = runner.invoke(_app(), ["pool-advice", "--prevalence", "0.4"])
    assert result.exit_code == 0
    assert "Best: individual testing" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prevalence", "1.5"], "prevalence must be strictly between 0 and 1"),
        (["--prevalence", "0.01", "--se", "0"], "sensitivity"),
        (["--prevalence", "0.01", "--sp", "1.2"], "specificity"),
    ],
)
def test_pool_advice_bad_input_exits_2(args: list[str], message: str) -> None:
    """Bad input: a message on stderr and exit code 2."""
    result = runner.invoke(_app(), ["pool-advice", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
