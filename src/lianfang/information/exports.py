"""Exports of the ticket list (the actor's scope, phones masked) and of a bulletin's figures, to CSV or
Excel; each export is one audit row. Tickets are read in keyset batches on (jurisdiction_path, id)."""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.tabular import write_table
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
MAX_ROWS = 100_000
_BATCH = 1_000


def _ticket_lines(ctx: Ctx, ticket_class: str | None, counter: list[int]) -> Iterator[list[object]]:
    after: int | None = None
    while counter[0] < MAX_ROWS:
        batch = tickets.page(ctx, ticket_class, after, _BATCH)[:_BATCH]
        for t, a in batch:
            counter[0] += 1
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
        if len(batch) < _BATCH:
            return
        after = batch[-1][0].id


def export_tickets(ctx: Ctx, fmt: str, ticket_class: str | None) -> bytes:
    ctx.actor.require(tickets.READ)
    if ticket_class is not None and ticket_class not in rules.CLASSES:
        ticket_class = None
    counter = [0]
    body = write_table(fmt, TICKET_COLUMNS, _ticket_lines(ctx, ticket_class, counter), "tickets")
    audit.record(
        ctx,
        "information.ticket.export",
        "information_ticket",
        None,
        ctx.actor.scope_path,
        rows=counter[0],
        fmt=fmt,
    )
    return body


def export_figures(ctx: Ctx, bulletin_id: int, fmt: str) -> tuple[bytes, str]:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    body = write_table(fmt, FIGURE_COLUMNS, [list(r) for r in figures.rows(item.figures)], "figures")
    audit.record(
        ctx, "information.bulletin.export", "information_bulletin", item.id, item.jurisdiction_path, fmt=fmt
    )
    return body, f"bulletin-{item.day.isoformat()}-v{item.version}"
