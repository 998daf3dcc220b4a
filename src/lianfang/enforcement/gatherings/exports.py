"""The event register as the page and its CSV / Excel export read it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ
from lianfang.enforcement.exports import Fetch
from lianfang.enforcement.models import RegisteredEvent
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(include_in_schema=False)


def events_list(ctx: Ctx) -> Fetch[RegisteredEvent]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, RegisteredEvent.jurisdiction_path)
    return lambda after, n: repository.events_page(ctx.session, scope, "", after, n)


@router.get("/enforcement/events/export")
def events_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = events_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda e: e.id):
            for e in batch:
                planned = [e.expected_size, e.planned_date.isoformat(), e.place]
                decision = [e.decision, e.new_date.isoformat() if e.new_date else "", e.decided_by_label]
                yield [e.id, e.name, e.organiser, *planned, *decision]

    columns = ["id", "event", "organiser", "expected_size", "planned_date", "place", "decision", "new_date"]
    return export_download(
        ctx,
        format,
        "enforcement-events",
        [*columns, "decided_by"],
        lines(),
        "enforcement.event.export",
        "registered_event",
    )
