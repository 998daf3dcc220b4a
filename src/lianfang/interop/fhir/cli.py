"""`lianfang fhir export CASE --out FILE.json`: a case as a FHIR R4 Bundle, as the system (audited; no
identity numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from sqlalchemy import select

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.errors import NotFound
from lianfang.core.events import EventBus
from lianfang.interop.fhir import service
from lianfang.tracing.models import TracingCase


def _settings() -> Settings:
    return Settings()


def export(settings: Settings, ref: str, out: Path) -> int:
    """Write the case named by code or number to `out`; the number of resources written."""
    factory = make_session_factory(make_engine(settings))
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        where = TracingCase.id == int(ref) if ref.isdigit() else TracingCase.code == ref.strip()
        case_id = session.scalar(select(TracingCase.id).where(where))
        if case_id is None:
            raise NotFound("病例", "case")
        bundle = service.export_case(ctx, case_id)
    out.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    return len(bundle["entry"])


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="FHIR R4 exchange")
    app.add_typer(group, name="fhir")

    @group.command("export")
    def export_command(
        case: Annotated[str, typer.Argument(help="case code (LD20211020-00001) or number")],
        out: Annotated[Path, typer.Option("--out", dir_okay=False, help="the Bundle's JSON file")],
    ) -> None:
        """Write a case with its contacts, results, vaccinations and orders as a FHIR R4 Bundle."""
        count = export(_settings(), case, out)
        typer.echo(f"wrote {count} resources to {out}")
