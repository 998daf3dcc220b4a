"""`rt` command: estimate R_t from a CSV of daily counts with a parametric serial interval."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from lianfang.analytics.rules import RtResult, estimate_rt_parametric, read_counts_csv


def _day(dates: list[date] | None, t: int) -> str | None:
    return dates[t - 1].isoformat() if dates is not None else None


def _as_json(result: RtResult, dates: list[date] | None) -> dict[str, Any]:
    return {
        "mean_si": result.mean_si,
        "low_case_warning": result.low_case_warning,
        "windows": [
            {
                "t_start": w.t_start,
                "t_end": w.t_end,
                "start_date": _day(dates, w.t_start),
                "end_date": _day(dates, w.t_end),
                "mean": w.mean,
                "std": w.std,
                "quantiles": {f"{q:g}": v for q, v in w.quantiles.items()},
            }
            for w in result.windows
        ],
    }


def _as_table(result: RtResult, dates: list[date] | None) -> str:
    head = ("window", "end date", "mean", "std", "2.5%", "median", "97.5%")
    rows = [
        (
            f"{w.t_start}-{w.t_end}",
            _day(dates, w.t_end) or "-",
            f"{w.mean:.3f}",
            f"{w.std:.3f}",
            f"{w.quantiles[0.025]:.3f}",
            f"{w.median:.3f}",
            f"{w.quantiles[0.975]:.3f}",
        )
        for w in result.windows
    ]
    widths = [max(len(cells[i]) for cells in [head, *rows]) for i in range(len(head))]
    lines = [f"Mean serial interval: {result.mean_si:.3f} days"]
    if result.low_case_warning:
        lines.append("Warning: too few cases in the first window for a posterior CV of 30 %.")
    lines.extend("  ".join(c.rjust(n) for c, n in zip(cells, widths, strict=True)) for cells in [head, *rows])
    if not rows:
        lines.append("No window ends after the mean serial interval; nothing to report.")
    return "\n".join(lines)


def rt_command(
    file: Path,
    si_mean: float,
    si_sd: float,
    window: int = 7,
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Estimate R_t (Cori et al. 2013) from FILE, a CSV with date,local,imported or a total column I.

    SI_MEAN and SI_SD give the offset-gamma serial interval in days.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"Cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        dates, local, imported = read_counts_csv(text)
        result = estimate_rt_parametric(local, imported, si_mean, si_sd, window=window)
    except ValueError as exc:
        typer.echo(f"Invalid input: {exc}", err=True)
        raise typer.Exit(2) from None
    if json_out:
        typer.echo(json.dumps(_as_json(result, dates), indent=2))
    else:
        typer.echo(_as_table(result, dates))


def register(app: typer.Typer) -> None:
    app.command("rt")(rt_command)
