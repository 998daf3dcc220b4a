"""Exporting venues in the importer's columns, so a file round-trips."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden
from lianfang.core.web import export_download, keyset_batches
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.venues import repository
from lianfang.venues.access import EXPORT, OPERATE, READ, venues_rows

EXPORT_COLUMNS = ("code", "name", "kind", "community_code", "address", "capacity", "status")


def export_venues(
    ctx: Ctx, fmt: str, q: str = "", kind: str = "", status: str = "", community_id: int | None = None
) -> Response:
    """The venue list with the page's filters, read through the page's own query in the actor's reach,
    in the importer's columns plus code and status (so a file round-trips); one audit row."""
    if not (ctx.actor.can(READ) or ctx.actor.can(OPERATE)):
        raise Forbidden()
    if not (ctx.actor.can(EXPORT) or ctx.actor.can(OPERATE)):
        raise Forbidden()
    query = repository.venue_query(ctx.session, q, kind, status, community_id)
    batches = keyset_batches(
        lambda after, n: venues_rows(ctx.session, ctx.actor, query, after, n), lambda v: v.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            ids = sorted({v.community_id for v in batch})
            found = ctx.session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(ids)))
            codes = {j.id: j.code for j in found}
            for v in batch:
                community = codes.get(v.community_id, "")
                yield [v.code, v.name, v.kind, community, v.address, v.capacity, v.status]

    filters: dict[str, Any] = {"q": q.strip(), "kind": kind.strip(), "status": status.strip()}
    filters["community_id"] = community_id
    return export_download(
        ctx,
        fmt,
        "venues",
        EXPORT_COLUMNS,
        lines(),
        "venue.export",
        "venue",
        **{k: v for k, v in filters.items() if v not in (None, "")},
    )
