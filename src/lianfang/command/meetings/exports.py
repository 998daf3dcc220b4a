"""The meeting list as its page and its CSV / Excel export read it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.command import repository
from lianfang.command.access import MANAGE
from lianfang.command.exports import Fetch, local_minutes
from lianfang.command.models import Meeting
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx

router = APIRouter(include_in_schema=False)


def meetings_list(ctx: Ctx) -> Fetch[Meeting]:
    ctx.actor.require(MANAGE)
    return lambda before, n: repository.meetings_page(ctx.session, before, n)


@router.get("/command/meetings/export")
def meetings_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = meetings_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda m: m.id):
            for m in batch:
                yield [m.id, local_minutes(m.held_at), m.title, m.number, m.chair, m.summary]

    columns = ["id", "held_at", "meeting", "number", "chair", "summary"]
    return export_download(
        ctx, format, "command-meetings", columns, lines(), "command.meeting.export", "meeting"
    )
