"""The work-group list as its page and its CSV / Excel export read it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.command import repository
from lianfang.command.access import READ
from lianfang.command.exports import Fetch, local_minutes, places_by_id
from lianfang.command.models import Mission
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx

router = APIRouter(include_in_schema=False)


def missions_list(ctx: Ctx) -> Fetch[Mission]:
    ctx.actor.require(READ)
    return lambda before, n: repository.missions_page(ctx.session, ctx.actor, before, n)


@router.get("/command/missions/export")
def missions_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = missions_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda m: m.id):
            places = places_by_id(ctx, [m.jurisdiction_id for m in batch])
            for m in batch:
                where = places[m.jurisdiction_id].name if m.jurisdiction_id in places else ""
                yield [
                    m.id,
                    local_minutes(m.sent_at),
                    where,
                    m.purpose,
                    m.leader_name,
                    m.members,
                    local_minutes(m.returned_at),
                ]

    columns = ["id", "sent_at", "district", "purpose", "leader", "members", "returned_at"]
    return export_download(
        ctx, format, "command-missions", columns, lines(), "command.mission.export", "mission"
    )
