"""A pharmacy's sales as the page and its export read them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.people.rules import mask_name
from lianfang.unithealth import repository
from lianfang.unithealth.access import readable_unit, rows_filter
from lianfang.unithealth.exports import Fetch
from lianfang.unithealth.models import PharmacySale
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)


def sales_list(ctx: Ctx, unit: Unit) -> Fetch[PharmacySale]:
    scope = rows_filter(ctx.actor, PharmacySale.jurisdiction_path, PharmacySale.unit_id)
    return lambda after, n: repository.sales_page(ctx.session, scope, unit.id, after, n)


@router.get("/unithealth/units/{unit_id}/sales/export")
def sales_export(unit_id: int, format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(sales_list(ctx, unit), lambda s: s.id):
            for s in batch:
                when = to_local(s.sold_at).isoformat(timespec="minutes")
                buyer = [mask_name(s.buyer_name), s.buyer_id_masked]
                yield [s.id, when, s.client_ref, *buyer, s.medicine_class, s.medicine_name, s.quantity]

    columns = [
        "id",
        "sold_at",
        "receipt",
        "buyer_name",
        "buyer_id_masked",
        "medicine_class",
        "medicine",
        "quantity",
    ]
    return export_download(
        ctx,
        format,
        f"unithealth-sales-{unit.id}",
        columns,
        lines(),
        "unithealth.sale.export",
        "unit",
        unit.id,
        unit.jurisdiction_path,
    )
