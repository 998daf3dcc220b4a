"""`rederive-codes`: derive everyone's health code again from the source modules, with progress (after a
restore or a bulk load that published no per-person events)."""

from __future__ import annotations

import typer

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.healthcodes.status import service


def rederive(settings: Settings, echo: bool = True) -> int:
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())

        def shown(done: int, total: int) -> None:
            if echo:
                typer.echo(f"\r{done:,}/{total:,} people re-derived", nl=done >= total)

        return service.rebuild(ctx, shown)


def register(app: typer.Typer) -> None:
    @app.command("rederive-codes")
    def rederive_codes() -> None:
        """Derive every health code again from the source modules' facts (audited as the system)."""
        changed = rederive(Settings())
        typer.echo(f"{changed:,} codes changed colour or pop-ups")
