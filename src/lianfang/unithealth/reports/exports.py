"""Units that have not reported, and the reports filed, as the pages and their exports read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.unithealth import repository
from lianfang.unithealth.access import READ, rows_filter
from lianfang.unithealth.exports import Fetch, day_of, place_filters, place_in_scope
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)


def missing_list(ctx: Ctx, jurisdiction_id: int | None, day: date) -> tuple[Jurisdiction | None, Fetch[Unit]]:
    """Active units under the place (or the actor's home) with no report for `day`, by id."""
    ctx.actor.require(READ)
    place, path = place_in_scope(ctx, jurisdiction_id)
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return place, lambda after, n: repository.missing_units(ctx.session, scope, path, day, after, n)


def reports_list(
    ctx: Ctx, jurisdiction_id: int | None, day: date
) -> tuple[Jurisdiction | None, Fetch[repository.ReportRow]]:
    """The daily reports filed for `day` under the place, by id."""
    ctx.actor.require(READ)
    place, path = place_in_scope(ctx, jurisdiction_id)
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return place, lambda after, n: repository.reports_page(ctx.session, scope, path, day, after, n)


@router.get("/unithealth/missing/export")
def missing_export(
    format: str = "csv",
    jurisdiction_id: int | None = None,
    report_date: str | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    day = day_of(report_date, ctx)
    place, fetch = missing_list(ctx, jurisdiction_id, day)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda u: u.id):
            for u in batch:
                yield [u.id, u.name, u.code, u.kind, day.isoformat()]

    columns = ("id", "unit", "code", "kind", "report_date")
    return export_download(
        ctx,
        format,
        "unithealth-missing",
        columns,
        lines(),
        "unithealth.missing.export",
        "unit",
        jurisdiction_path=place.path if place else None,
        **place_filters(place, day),
    )


@router.get("/unithealth/reports/export")
def reports_export(
    format: str = "csv",
    jurisdiction_id: int | None = None,
    report_date: str | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    day = day_of(report_date, ctx)
    place, fetch = reports_list(ctx, jurisdiction_id, day)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda r: r.report.id):
            for row in batch:
                r = row.report
                counts = [r.headcount, r.checked, r.abnormal]
                when = to_local(r.updated_at).isoformat(timespec="minutes")
                yield [
                    r.id,
                    row.unit.name,
                    row.unit.code,
                    day.isoformat(),
                    r.zero_report,
                    *counts,
                    r.version,
                    when,
                ]

    columns = [
        "id",
        "unit",
        "code",
        "report_date",
        "zero_report",
        "headcount",
        "checked",
        "abnormal",
        "version",
        "updated_at",
    ]
    return export_download(
        ctx,
        format,
        "unithealth-reports",
        columns,
        lines(),
        "unithealth.report.export",
        "daily_report",
        jurisdiction_path=place.path if place else None,
        **place_filters(place, day),
    )
