"""`pool-advice` command: which Dorfman pool size needs the fewest tests at a given prevalence."""

from __future__ import annotations

import json
from typing import Any

import typer

from lianfang.testing.pooling.rules import PoolAdvice, PoolCharacteristics, advise


def _row_json(row: PoolCharacteristics) -> dict[str, Any]:
    return {
        "size": row.size,
        "scheme": row.scheme,
        "tests_per_pool": row.tests_per_group,
        "tests_per_person": row.tests_per_person,
        "pse": row.pse,
        "psp": row.psp,
        "percent_reduction": row.percent_reduction,
        "capacity_increase": row.capacity_increase,
    }


def _as_json(advice: PoolAdvice) -> dict[str, Any]:
    return {
        "prevalence": advice.prevalence,
        "se": advice.se,
        "sp": advice.sp,
        "best_size": advice.best.size,
        "best_validated_size": advice.best_validated.size if advice.best_validated else None,
        "table": [_row_json(row) for row in advice.table],
    }


def _as_table(advice: PoolAdvice) -> str:
    head = ("size ", "tests/person", "PSe", "PSp", "reduction %", "capacity +%")
    rows = [
        (
            f"{row.size}{'*' if row is advice.best else ' '}",
            f"{row.tests_per_person:.4f}",
            f"{row.pse:.4f}",
            f"{row.psp:.4f}",
            f"{row.percent_reduction:.2f}",
            f"{row.capacity_increase:.1f}",
        )
        for row in advice.table
    ]
    widths = [max(len(cells[i]) for cells in [head, *rows]) for i in range(len(head))]
    lines = [f"Dorfman pooling at prevalence {advice.prevalence:g}, Se {advice.se:g}, Sp {advice.sp:g}"]
    lines.extend("  ".join(c.rjust(n) for c, n in zip(cells, widths, strict=True)) for cells in [head, *rows])
    best = advice.best
    if best.size == 1:
        lines.append("Best: individual testing (pooling saves no tests at this prevalence).")
    else:
        lines.append(f"Best: pools of {best.size} ({best.tests_per_person:.4f} tests per person).")
    if advice.best_validated is not None and advice.best_validated is not best:
        lines.append(f"Best validated size (5, 10 or 20 swabs per tube): {advice.best_validated.size}.")
    return "\n".join(lines)


def pool_advice_command(
    prevalence: float = typer.Option(..., "--prevalence", help="Infection probability, 0 < p < 1."),
    se: float = typer.Option(1.0, "--se", help="Test sensitivity, 0 < Se <= 1."),
    sp: float = typer.Option(1.0, "--sp", help="Test specificity, 0 < Sp <= 1."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Tabulate expected tests per person for pool sizes 1-20 and mark the cheapest."""
    try:
        advice = advise(prevalence, se=se, sp=sp)
    except ValueError as exc:
        typer.echo(f"Invalid input: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(_as_json(advice), indent=2) if json_out else _as_table(advice))


def register(app: typer.Typer) -> None:
    app.command("pool-advice")(pool_advice_command)
