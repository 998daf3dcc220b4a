"""Tracing a small simulated outbreak end to end (cases in detection order, proposals, confirmations),
the tracing recall against the ground truth with its baselines, and `lianfang trace` output."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from lianfang.sim.models import SimPersonTruth
from lianfang.sim.tracing_recall import recall, trace_run
from lianfang.sim.truth_queries import latest_run
from lianfang.tracing.cli import trace_case
from lianfang.tracing.models import TracingCase, TracingContact

ARGS = ("--persons", "3000", "--days", "10", "--seed", "5", "--scenario", "traveller-cluster")


def test_trace_a_simulated_run_and_measure_recall(sim_cli, session, settings, ctx):
    loaded = sim_cli(*ARGS)
    assert loaded.exit_code == 0, loaded.output
    run = latest_run(session)
    detected = session.scalar(
        select(func.count())
        .select_from(SimPersonTruth)
        .where(SimPersonTruth.run_id == run.id, SimPersonTruth.detected_day.is_not(None))
    )
    summary = trace_run(session, settings, run)
    assert summary.cases == detected and summary.cases > 0
    cases = list(session.scalars(select(TracingCase).order_by(TracingCase.id)))
    assert all(c.rule_edition == "9th" and c.status == "open" for c in cases)
    assert session.scalar(select(func.count()).select_from(TracingContact)) >= summary.contacts > 0
    result = recall(session, run)
    for value in (
        result.system,
        result.household_only,
        result.random_expected,
        result.found_under_control,
        result.infection_coverage,
    ):
        assert value is None or 0.0 <= value <= 1.0
    assert result.oracle in (None, 1.0) and result.flagged > 0
    assert result.found_under_control == sum(c.found_by == "under_control" for c in cases) / len(cases)
    if result.targets:
        assert result.random_expected is not None and result.random_expected < 0.5

    out = trace_case(ctx, cases[0].code)
    text = json.dumps(out, ensure_ascii=False, default=str)
    assert out["case"]["code"] == cases[0].code and "proposals" in out and "rule" in text
