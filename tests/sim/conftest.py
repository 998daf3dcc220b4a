"""Shared small cities and runs for the simulation tests (kept small: the whole suite runs in seconds)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from lianfang.sim import City, generate_city


def table_arrays(obj: Any) -> dict[str, Any]:
    """Every field of a (nested) table dataclass, flattened to name -> value."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if hasattr(value, "__dataclass_fields__"):
            out.update({f"{f.name}.{k}": v for k, v in table_arrays(value).items()})
        else:
            out[f.name] = value
    return out


def _assert_same(a: Any, b: Any) -> None:
    left, right = table_arrays(a), table_arrays(b)
    assert left.keys() == right.keys()
    for key in left:
        if isinstance(left[key], np.ndarray):
            assert left[key].dtype == right[key].dtype, key
            np.testing.assert_array_equal(left[key], right[key], err_msg=key)
        else:
            assert left[key] == right[key], key


@pytest.fixture(scope="session")
def city() -> City:
    return generate_city(20_000, seed=11)


@pytest.fixture(scope="session")
def assert_same() -> Any:
    """Compares two table dataclasses (or chunks) field by field, arrays exactly."""
    return _assert_same


@pytest.fixture
def sim_cli(settings: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs `lianfang sim ...` through the real CLI, on the test's rolled-back connection."""
    from typer.testing import CliRunner

    from lianfang import cli
    from lianfang.sim import cli as sim_cli_module

    monkeypatch.setattr(sim_cli_module, "_settings", lambda: settings)
    monkeypatch.setattr(sim_cli_module, "_factory", lambda _settings: runtime.factory)
    cli._register_plugins()  # what main() does
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli.app, ["sim", *args])

    return invoke
