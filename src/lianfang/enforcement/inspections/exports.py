"""Open findings (the desk) as the page and its CSV / Excel export read them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import require_read, rows_filter
from lianfang.enforcement.exports import Fetch, local_minutes
from lianfang.enforcement.models import Finding

router = APIRouter(include_in_schema=False)


def findings_list(ctx: Ctx) -> Fetch[Finding]:
    """Open findings the actor follows: the subtree for readers, their own units for unit officers."""
    require_read(ctx.actor)
    scope = rows_filter(ctx.actor, Finding.jurisdiction_path, Finding.unit_id)
    return lambda after, n: repository.open_findings_page(ctx.session, scope, None, after, n)


@router.get("/enforcement/findings/export")
def findings_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = findings_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda f: f.id):
            for f in batch:
                yield [
                    f.id,
                    f.inspection_id,
                    f.unit_id,
                    f.item_code,
                    f.description,
                    local_minutes(f.deadline),
                    f.state,
                ]

    columns = ["id", "inspection", "unit", "item", "description", "deadline", "state"]
    return export_download(
        ctx, format, "enforcement-findings", columns, lines(), "enforcement.finding.export", "finding"
    )
