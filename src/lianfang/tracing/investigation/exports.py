"""A case's contacts and requests as CSV / Excel, and the outgoing assistance letter of a request."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.cases.exports import iso_text
from lianfang.tracing.cases.pages import render_tracing
from lianfang.tracing.investigation import views
from lianfang.tracing.models import TracingRequest

router = APIRouter(include_in_schema=False)


CONTACT_COLUMNS = (
    "id",
    "name",
    "id_masked",
    "place",
    "degree",
    "category",
    "reason",
    "rule",
    "first_contact_at",
    "status",
)


REQUEST_COLUMNS = (
    "id",
    "contact_id",
    "kind",
    "target",
    "state",
    "deadline",
    "late",
    "escalation_level",
    "done_at",
)


@router.get("/tracing/cases/{case_id}/contacts/export")
def contact_export(
    case_id: int, format: str = "csv", category: str = "", status: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """A case's contacts as the investigation page lists them (category and status filters)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    kind = category if category in rules.CATEGORIES else None
    state = status if status in rules.CONTACT_STATUSES else None
    batches = keyset_batches(
        lambda after, n: views.contacts(ctx, case, kind, state, after, n), lambda c: c["id"]
    )
    keys = ("id", "name", "id_masked", "place", "degree", "category", "reason", "rule")
    lines = (
        [*(c[k] for k in keys), iso_text(c["first_contact_at"]), c["status"]]
        for batch in batches
        for c in batch
    )
    return export_download(
        ctx,
        format,
        f"contacts-{case.id}",
        CONTACT_COLUMNS,
        lines,
        "tracing.contact.export",
        "tracing_case",
        case.id,
        case.jurisdiction_path,
        category=kind,
        status=state,
    )


@router.get("/tracing/cases/{case_id}/requests/export")
def request_export(case_id: int, format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """All of a case's requests with their states (the case page shows the latest)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    batches = keyset_batches(
        lambda after, n: repository.requests_page(ctx.session, case.id, after, n), lambda r: r.id
    )
    lines = (
        [
            *(r[k] for k in ("id", "contact_id", "kind", "target", "state")),
            iso_text(r["deadline"]),
            "yes" if r["late"] else "",
            r["escalation_level"],
            iso_text(r["done_at"]),
        ]
        for batch in batches
        for r in views.requests(ctx, batch)
    )
    return export_download(
        ctx,
        format,
        f"requests-{case.id}",
        REQUEST_COLUMNS,
        lines,
        "tracing.request.export",
        "tracing_case",
        case.id,
        case.jurisdiction_path,
    )


@router.get("/tracing/requests/{request_id}/letter")
def letter(request: Request, request_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    item = ctx.session.get(TracingRequest, request_id)
    if item is None:
        raise NotFound("协查函", "letter")
    case = access_case(ctx.session, ctx.actor, item.case_id)
    audit.record(
        ctx, "tracing.letter.view", "tracing_case", case.id, case.jurisdiction_path, request_id=item.id
    )
    return render_tracing(request, "tracing/letter.html", item=item, case=case)
