"""`trace` command: a case's proposed contacts for scripts (`--json`), or as a table."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from sqlalchemy import select

from lianfang.config import Settings
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.errors import NotFound
from lianfang.core.events import EventBus
from lianfang.tracing.investigation import views as investigation_views
from lianfang.tracing.models import TracingCase


def trace_case(ctx: Ctx, ref: str) -> dict[str, Any]:
    """The case named by code or number, with its proposals and stored contacts."""
    where = TracingCase.id == int(ref) if ref.isdigit() else TracingCase.code == ref.strip()
    case = ctx.session.scalar(select(TracingCase).where(where))
    if case is None:
        raise NotFound("病例", "case")
    audit.record(ctx, "tracing.case.cli", "tracing_case", case.id, case.jurisdiction_path)
    return {
        "case": {"id": case.id, "code": case.code, "status": case.status, "rule_edition": case.rule_edition},
        "proposals": investigation_views.proposals(ctx, case),
        "contacts": investigation_views.contacts(ctx, case),
    }


def register(app: typer.Typer) -> None:
    @app.command("trace")
    def trace(
        case: Annotated[str, typer.Argument(help="case code (LD20211020-00001) or number")],
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Print a case's proposed contacts (reason, rule, edition) as the system; audited."""
        settings = Settings()
        factory = make_session_factory(make_engine(settings))
        with transaction(factory) as session:
            ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
            out = trace_case(ctx, case)
        if as_json:
            typer.echo(json.dumps(out, ensure_ascii=False, default=str, indent=1))
            return
        typer.echo(f"{out['case']['code']} ({out['case']['status']}, {out['case']['rule_edition']})")
        for p in out["proposals"]:
            head = f"{p['person_id']:>8} {p['name']:<6} {p['category']:<9} {p['reason']:<15}"
            typer.echo(f"{head} {p['detail']}  [{p['rule']}]")
