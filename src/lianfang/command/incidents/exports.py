"""The incident list as its page and its CSV / Excel export read it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.command import repository
from lianfang.command.access import READ
from lianfang.command.exports import Fetch, local_minutes, places_by_id
from lianfang.command.models import Incident
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx

router = APIRouter(include_in_schema=False)


def incidents_list(ctx: Ctx) -> Fetch[Incident]:
    ctx.actor.require(READ)
    return lambda before, n: repository.incidents_page(ctx.session, ctx.actor, None, before, n)


@router.get("/command/incidents/export")
def incidents_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = incidents_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda i: i.id):
            places = places_by_id(ctx, [i.jurisdiction_id for i in batch])
            for i in batch:
                where = places[i.jurisdiction_id].name if i.jurisdiction_id in places else ""
                when = [local_minutes(i.occurred_at), local_minutes(i.reported_at)]
                yield [
                    i.id,
                    *when,
                    where,
                    i.place,
                    i.summary,
                    i.measures,
                    i.state,
                    local_minutes(i.next_followup_at),
                ]

    columns = ["id", "occurred_at", "reported_at", "district", "place", "summary", "measures", "state"]
    return export_download(
        ctx,
        format,
        "command-incidents",
        [*columns, "next_followup_at"],
        lines(),
        "command.incident.export",
        "incident",
    )
