"""The case list as CSV / Excel (the list page's filters and scope)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ
from lianfang.tracing.cases import views

router = APIRouter(include_in_schema=False)


CASE_COLUMNS = ("code", "name", "id_masked", "classification", "status", "found_by", "reported_at")


def iso_text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


@router.get("/tracing/export")
def case_export(format: str = "csv", status: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The case list as the page shows it (status filter, the actor's scope, masked names)."""
    ctx.actor.require(READ)
    wanted = status if status in rules.STATUSES else None
    batches = keyset_batches(
        lambda after, n: repository.cases_page(ctx.session, ctx.actor, wanted, after, n), lambda c: c.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            people = repository.persons_by_ids(ctx.session, [c.person_id for c in batch])
            for c in batch:
                p = views.person_label(people.get(c.person_id))
                row = [c.code, p["name"], p["id_masked"], c.classification, c.status, c.found_by]
                yield [*row, iso_text(c.reported_at)]

    return export_download(
        ctx, format, "cases", CASE_COLUMNS, lines(), "tracing.case.export", "tracing_case", status=wanted
    )
