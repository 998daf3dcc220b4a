"""The ticket list as CSV or Excel (the actor's scope, phones masked; one audit row per export), read in
keyset batches through the list's own query."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches
from lianfang.information import rules
from lianfang.information.tickets import service as tickets

TICKET_COLUMNS = (
    "id",
    "received_on",
    "channel",
    "ticket_class",
    "suggested_class",
    "theme",
    "jurisdiction_path",
    "caller_name",
    "caller_phone",
    "text",
    "assignment_id",
    "assignment_state",
)


def export_tickets(ctx: Ctx, fmt: str, ticket_class: str | None) -> Response:
    """The ticket list with the page's class filter, read through the page's own keyset query in the
    actor's scope (phones masked); one audit row with the filter."""
    ctx.actor.require(tickets.READ)
    if ticket_class is not None and ticket_class not in rules.CLASSES:
        ticket_class = None
    batches = keyset_batches(lambda after, n: tickets.page(ctx, ticket_class, after, n), lambda r: r[0].id)

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            for t, a in batch:
                yield [
                    t.id,
                    t.received_on.isoformat(),
                    t.channel,
                    t.ticket_class,
                    t.suggested_class,
                    t.theme,
                    t.jurisdiction_path,
                    t.caller_name,
                    t.caller_phone_masked or "",
                    t.text,
                    t.assignment_id or "",
                    a.state if a is not None else "",
                ]

    filters = {"ticket_class": ticket_class} if ticket_class else {}
    return export_download(
        ctx,
        fmt,
        "tickets",
        TICKET_COLUMNS,
        lines(),
        "information.ticket.export",
        "information_ticket",
        **filters,
    )
