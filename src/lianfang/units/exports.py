"""The unit list (the page's filters and query) in the importer's columns, so a file round-trips."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden
from lianfang.core.web import export_download, keyset_batches
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.units import repository
from lianfang.units.access import EXPORT, STAFF, require_read, units_rows

UNIT_COLUMNS = ("code", "name", "kind", "community_code", "address", "contact_name", "active")


def export_units(
    ctx: Ctx, fmt: str, q: str = "", kind: str = "", community_id: int | None = None
) -> Response:
    """The unit list with the page's filters, read through the page's own query in the actor's reach;
    one audit row with the filters."""
    require_read(ctx.actor)
    if not (ctx.actor.can(EXPORT) or ctx.actor.can(STAFF)):
        raise Forbidden()
    query = repository.unit_query(ctx.session, q, kind, community_id)
    batches = keyset_batches(
        lambda after, n: units_rows(ctx.session, ctx.actor, query, after, n), lambda u: u.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            ids = sorted({u.community_id for u in batch})
            found = ctx.session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(ids)))
            codes = {j.id: j.code for j in found}
            for u in batch:
                community = codes.get(u.community_id, "")
                yield [u.code, u.name, u.kind, community, u.address, u.contact_name, int(u.active)]

    filters: dict[str, Any] = {"q": q.strip(), "kind": kind.strip(), "community_id": community_id}
    return export_download(
        ctx,
        fmt,
        "units",
        UNIT_COLUMNS,
        lines(),
        "unit.export",
        "unit",
        **{k: v for k, v in filters.items() if v not in (None, "")},
    )
