"""Violations as the page and its CSV / Excel export read them; a person named as a violation's
subject is masked (first character of the name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ
from lianfang.enforcement.exports import Fetch
from lianfang.enforcement.models import Violation
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.rules import mask_name

router = APIRouter(include_in_schema=False)


VIOLATION_STATES = ("recorded", "decided")  # open (awaiting a decision) | closed (decided)


def violations_list(ctx: Ctx, state: str, unit_id: int | None) -> Fetch[Violation]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, Violation.jurisdiction_path)
    return lambda after, n: repository.violations_page(ctx.session, scope, state, unit_id, after, n)


@router.get("/enforcement/violations/export")
def violations_export(
    format: str = "csv", state: str = "", unit_id: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    state = state if state in VIOLATION_STATES else ""
    fetch = violations_list(ctx, state, unit_id)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda v: v.id):
            for v in batch:
                subject = mask_name(v.subject_name) if v.subject_type == "person" else v.subject_name
                law = [v.law_code, v.law_article]
                decision = [v.state, v.disposition or "", v.decided_by_label]
                yield [v.id, v.subject_type, subject, v.category, v.occurred_on.isoformat(), *law, *decision]

    columns = ["id", "subject_type", "subject", "category", "occurred_on", "law", "article", "state"]
    filters: dict[str, Any] = {k: v for k, v in {"state": state, "unit_id": unit_id}.items() if v}
    return export_download(
        ctx,
        format,
        "enforcement-violations",
        [*columns, "disposition", "decided_by"],
        lines(),
        "enforcement.violation.export",
        "violation",
        **filters,
    )
