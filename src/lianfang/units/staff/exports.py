"""A unit's staff list with masked identity numbers only."""

from __future__ import annotations

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Forbidden
from lianfang.core.tabular import file_format, write_table
from lianfang.units import repository
from lianfang.units.access import EXPORT, STAFF, access_unit

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
