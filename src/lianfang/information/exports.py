"""Exports of the ticket list (the actor's scope, phones masked) and of a bulletin's figures, to CSV or
Excel; each export is one audit row. Tickets are read in keyset batches through the list's own query."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.responses import Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.tabular import write_table
from lianfang.core.web import export_download, keyset_batches
from lianfang.information import bulletins, figures, rules, tickets

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
FIGURE_COLUMNS = ("key", "label_zh", "label_en", "value")


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


def export_figures(ctx: Ctx, bulletin_id: int, fmt: str) -> tuple[bytes, str]:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    body = write_table(fmt, FIGURE_COLUMNS, [list(r) for r in figures.rows(item.figures)], "figures")
    audit.record(
        ctx, "information.bulletin.export", "information_bulletin", item.id, item.jurisdiction_path, fmt=fmt
    )
    return body, f"bulletin-{item.day.isoformat()}-v{item.version}"
