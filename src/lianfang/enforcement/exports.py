"""The enforcement lists as the pages and their CSV / Excel exports read them: open findings (the desk),
violations, closure orders, the event register. Each list is one scoped keyset query
(`fetch(after, limit)`) shared by its page and its export, so an export has exactly the page's filters
and scope; a person named as a violation's subject is masked (first character of the name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.enforcement import repository
from lianfang.enforcement.access import READ, require_read, rows_filter
from lianfang.enforcement.models import ClosureOrder, Finding, RegisteredEvent, Violation
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.rules import mask_name

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
Fetch = Callable[[int | None, int], Sequence[T]]
VIOLATION_STATES = ("recorded", "decided")  # open (awaiting a decision) | closed (decided)


def _when(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="minutes") if moment else ""


def findings_list(ctx: Ctx) -> Fetch[Finding]:
    """Open findings the actor follows: the subtree for readers, their own units for unit officers."""
    require_read(ctx.actor)
    scope = rows_filter(ctx.actor, Finding.jurisdiction_path, Finding.unit_id)
    return lambda after, n: repository.open_findings_page(ctx.session, scope, None, after, n)


def violations_list(ctx: Ctx, state: str, unit_id: int | None) -> Fetch[Violation]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, Violation.jurisdiction_path)
    return lambda after, n: repository.violations_page(ctx.session, scope, state, unit_id, after, n)


def closures_list(ctx: Ctx) -> Fetch[ClosureOrder]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, ClosureOrder.jurisdiction_path)
    return lambda after, n: repository.orders_page(ctx.session, scope, after, n)


def events_list(ctx: Ctx) -> Fetch[RegisteredEvent]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, RegisteredEvent.jurisdiction_path)
    return lambda after, n: repository.events_page(ctx.session, scope, "", after, n)


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
                    _when(f.deadline),
                    f.state,
                ]

    columns = ["id", "inspection", "unit", "item", "description", "deadline", "state"]
    return export_download(
        ctx, format, "enforcement-findings", columns, lines(), "enforcement.finding.export", "finding"
    )


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


@router.get("/enforcement/closures/export")
def closures_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = closures_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda o: o.id):
            for o in batch:
                ordered = [o.ordered_by_label, _when(o.ordered_at)]
                yield [o.id, o.venue_kind, o.reason, *ordered, _when(o.lifted_at), o.lifted_by_label]

    columns = ["id", "venue_kind", "reason", "ordered_by", "ordered_at", "lifted_at", "lifted_by"]
    return export_download(
        ctx, format, "enforcement-closures", columns, lines(), "enforcement.closure.export", "closure_order"
    )


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
