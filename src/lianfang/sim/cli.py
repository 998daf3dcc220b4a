"""`lianfang sim`: fill the configured database with a synthetic city and an outbreak, with a progress bar,
and print the run's realism figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session, sessionmaker

from lianfang.config import Settings
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.sim.loader import LoadOptions, LoadRefused, LoadResult, load
from lianfang.sim.places import TreeConflict
from lianfang.sim.scenarios import scenarios


def _settings() -> Settings:
    return Settings()


def _factory(settings: Settings) -> sessionmaker[Session]:
    """Replaced in tests by a factory bound to the test's rolled-back connection."""
    return make_session_factory(make_engine(settings))


def load_with_progress(settings: Settings, options: LoadOptions, show: bool = True) -> LoadResult:
    """Run the loader in its own transaction, with a progress bar on the terminal."""
    factory = _factory(settings)
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        disable=not show,
        transient=False,
    ) as bar:
        task = bar.add_task("simulating", total=1000)

        def step(what: str, share: float) -> None:
            bar.update(task, description=what, completed=int(share * 1000))

        with transaction(factory) as session:
            return load(session, settings, options, progress=step)


def format_realism(figures: dict[str, object]) -> list[str]:
    lines = []
    for key, value in figures.items():
        if key == "venues" and isinstance(value, dict):
            lines.append("venues (count, median daily visits, median capacity):")
            for kind, v in value.items():
                visits, capacity = v["daily_visits_median"], v["capacity_median"]
                lines.append(f"  {kind:<18} {v['count']:>7,.0f} {visits:>9.1f} {capacity:>9.0f}")
        elif isinstance(value, dict):
            shares = ", ".join(f"{k} {float(v):.1%}" for k, v in value.items())
            lines.append(f"{key}: {shares}")
        elif isinstance(value, float):
            lines.append(f"{key}: {value:.3f}")
        else:
            lines.append(f"{key}: {value}")
    return lines


def register(app: typer.Typer) -> None:
    @app.command("sim")
    def sim_command(
        persons: Annotated[int, typer.Option(min=1, help="residents of the synthetic city")] = 20_000,
        days: Annotated[int, typer.Option(min=1, help="days of daily life and transmission")] = 14,
        seed: Annotated[int, typer.Option(help="random seed: the same seed gives the same city")] = 1,
        scenario: Annotated[str, typer.Option(help=f"one of: {', '.join(sorted(scenarios()))}")] = "quiet",
        replace: Annotated[
            bool, typer.Option("--replace", help="empty the registry, scans and earlier runs first")
        ] = False,
        start_date: Annotated[
            str | None, typer.Option(help="first simulated day, YYYY-MM-DD (default: the scenario's)")
        ] = None,
    ) -> None:
        """Fill the database with a synthetic city and outbreak (people, units, venues, scans, truth)."""
        if scenario not in scenarios():
            typer.echo(
                f"unknown scenario {scenario!r}; choose from {', '.join(sorted(scenarios()))}", err=True
            )
            raise typer.Exit(2)
        try:
            first = date.fromisoformat(start_date) if start_date else None
        except ValueError:
            typer.echo("--start-date must be YYYY-MM-DD", err=True)
            raise typer.Exit(2) from None
        options = LoadOptions(persons, days, seed, scenario, first, replace)
        try:
            result = load_with_progress(_settings(), options)
        except (LoadRefused, TreeConflict) as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(1) from None
        total = sum(result.rows.values())
        elapsed = sum(result.seconds.values())
        typer.echo(f"run {result.run_id}: {total:,} rows in {elapsed:.1f} s")
        for table, rows in sorted(result.rows.items()):
            typer.echo(f"  {table:<22} {rows:>12,}")
        typer.echo("realism:")
        for line in format_realism(result.realism):
            typer.echo(f"  {line}")
