"""Closure orders as the page and its CSV / Excel export read them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ
from lianfang.enforcement.exports import Fetch, local_minutes
from lianfang.enforcement.models import ClosureOrder
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(include_in_schema=False)


def closures_list(ctx: Ctx) -> Fetch[ClosureOrder]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, ClosureOrder.jurisdiction_path)
    return lambda after, n: repository.orders_page(ctx.session, scope, after, n)


@router.get("/enforcement/closures/export")
def closures_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = closures_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda o: o.id):
            for o in batch:
                ordered = [o.ordered_by_label, local_minutes(o.ordered_at)]
                yield [o.id, o.venue_kind, o.reason, *ordered, local_minutes(o.lifted_at), o.lifted_by_label]

    columns = ["id", "venue_kind", "reason", "ordered_by", "ordered_at", "lifted_at", "lifted_by"]
    return export_download(
        ctx, format, "enforcement-closures", columns, lines(), "enforcement.closure.export", "closure_order"
    )
