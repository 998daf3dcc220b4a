"""The scenario registry."""

from __future__ import annotations

import pytest

from lianfang.sim import get_scenario, realism, run, scenarios
from lianfang.sim.scenarios import Scenario, register


def test_registry_has_the_named_scenarios() -> None:
    names = set(scenarios())
    assert {"quiet", "traveller-cluster", "market-cluster", "school-outbreak"} <= names
    quiet = get_scenario("quiet")
    assert quiet.seed_count == 0 and quiet.import_probability == 0.0
    cluster = get_scenario("traveller-cluster")
    assert cluster.seed_kind == "travellers" and cluster.seed_count > 0
    assert cluster.start_date.year == 2021 and cluster.start_date.month == 10
    assert "152900" in cluster.risk_cities  # 阿拉善盟 (额济纳旗)


def test_unknown_scenario() -> None:
    with pytest.raises(KeyError, match="unknown scenario"):
        get_scenario("zombies")


def test_overrides_do_not_touch_the_registry() -> None:
    strict = get_scenario("traveller-cluster", scan_compliance=0.99, dispersion_k=None)
    assert strict.scan_compliance == 0.99 and strict.dispersion_k is None
    assert get_scenario("traveller-cluster").scan_compliance == 0.85


def test_registry_is_read_only_and_names_unique() -> None:
    with pytest.raises(TypeError):
        scenarios()["x"] = get_scenario("quiet")  # type: ignore[index]
    with pytest.raises(ValueError, match="already registered"):
        register(Scenario("quiet", "again"))


@pytest.mark.parametrize("name", ["quiet", "traveller-cluster", "market-cluster", "school-outbreak"])
def test_every_scenario_runs(name: str) -> None:
    figures = realism(run(3_000, 5, seed=1, scenario=name))
    if name == "quiet":
        assert figures["infections"] == 0
    else:
        assert figures["infections"] >= get_scenario(name).seed_count  # type: ignore[operator]


def test_a_custom_scenario_object_runs() -> None:
    custom = Scenario("custom", "for a test", seed_kind="travellers", seed_count=2, scan_compliance=0.6)
    figures = realism(run(2_000, 3, seed=1, scenario=custom))
    assert abs(figures["scanned_share"] - 0.6) < 0.05  # type: ignore[operator]
