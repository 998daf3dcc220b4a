"""Exports: the unit list (the page's filters and query) in the importer's columns (so a file
round-trips) and a unit's staff list with masked identity numbers only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden
from lianfang.core.tabular import file_format, write_table
from lianfang.core.web import export_download, keyset_batches
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.units import repository
from lianfang.units.access import EXPORT, STAFF, access_unit, require_read, units_rows

UNIT_COLUMNS = ("code", "name", "kind", "community_code", "address", "contact_name", "active")
STAFF_COLUMNS = (
    "unit_code",
    "unit_name",
    "name",
    "id_masked",
    "role",
    "group_name",
    "via_unit_code",
    "start_date",
    "end_date",
)


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


def export_staff(ctx: Ctx, unit_id: int, fmt: str, include_ended: bool = False) -> bytes:
    """A unit's staff list. Personal data leaving the system: the export itself is audited."""
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    if not (ctx.actor.can(EXPORT) or ctx.actor.can(STAFF)):
        raise Forbidden()
    rows: list[list[object]] = []
    after: int | None = None
    while True:
        page = repository.staff_page(ctx.session, unit.id, after, 1000, include_ended)
        rows.extend(
            [
                unit.code,
                unit.name,
                r.person.name,
                r.person.id_masked,
                r.membership.role,
                r.membership.group_name,
                r.via.code if r.via else "",
                r.membership.start_date.isoformat() if r.membership.start_date else "",
                r.membership.end_date.isoformat() if r.membership.end_date else "",
            ]
            for r in page
        )
        if len(page) < 1000:
            break
        after = page[-1].membership.id
    audit.record(
        ctx,
        "unit.staff_export",
        "unit",
        unit.id,
        unit.jurisdiction_path,
        format=file_format(fmt),
        rows=len(rows),
    )
    return write_table(fmt, STAFF_COLUMNS, rows, "staff")
