"""The force list as its page and its CSV / Excel export read it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.command import repository, rules
from lianfang.command.access import READ
from lianfang.command.exports import Fetch, places_by_id
from lianfang.command.models import Force
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx

router = APIRouter(include_in_schema=False)


def forces_list(ctx: Ctx, kind: str) -> Fetch[Force]:
    ctx.actor.require(READ)
    return lambda after, n: repository.forces_page(ctx.session, ctx.actor, kind or None, None, after, n)


@router.get("/command/forces/export")
def forces_export(format: str = "csv", kind: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    kind = kind if kind in rules.FORCE_KINDS else ""
    fetch = forces_list(ctx, kind)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda f: f.id):
            places = places_by_id(ctx, [f.jurisdiction_id for f in batch])
            for f in batch:
                where = places[f.jurisdiction_id].name if f.jurisdiction_id in places else ""
                yield [f.id, f.name, f.kind, f.size, f.leader_name, where]

    columns = ["id", "team", "kind", "size", "leader", "working_in"]
    filters = {"kind": kind} if kind else {}
    return export_download(
        ctx, format, "command-forces", columns, lines(), "command.force.export", "force", **filters
    )
