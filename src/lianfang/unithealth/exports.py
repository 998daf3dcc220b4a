"""The unit-health lists as the pages and their CSV / Excel exports read them: units that have not
reported, the reports filed, a unit's sick absences and medicine sales, the early-warning alerts. Each
list is one scoped keyset query (`fetch(after, limit)`) shared by its page and its export, so an export
has exactly the page's filters and scope; people are masked (first character of the name, masked ID)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.clock import local_date, to_local
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.unithealth import repository
from lianfang.unithealth.access import READ, readable_unit, require_read, rows_filter
from lianfang.unithealth.models import AbsenceAlert, AbsenceReport, PharmacySale
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
Fetch = Callable[[int | None, int], Sequence[T]]


def day_of(raw: str | None, ctx: Ctx) -> date:
    try:
        return date.fromisoformat(raw) if raw else local_date(ctx.now)
    except ValueError:
        return local_date(ctx.now)


def _place(ctx: Ctx, jurisdiction_id: int | None) -> tuple[Jurisdiction | None, str]:
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id) if jurisdiction_id else None
    return place, place.path if place else (ctx.actor.scope_path or "/none/")


def missing_list(ctx: Ctx, jurisdiction_id: int | None, day: date) -> tuple[Jurisdiction | None, Fetch[Unit]]:
    """Active units under the place (or the actor's home) with no report for `day`, by id."""
    ctx.actor.require(READ)
    place, path = _place(ctx, jurisdiction_id)
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return place, lambda after, n: repository.missing_units(ctx.session, scope, path, day, after, n)


def reports_list(
    ctx: Ctx, jurisdiction_id: int | None, day: date
) -> tuple[Jurisdiction | None, Fetch[repository.ReportRow]]:
    """The daily reports filed for `day` under the place, by id."""
    ctx.actor.require(READ)
    place, path = _place(ctx, jurisdiction_id)
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return place, lambda after, n: repository.reports_page(ctx.session, scope, path, day, after, n)


def absences_list(ctx: Ctx, unit: Unit) -> Fetch[tuple[AbsenceReport, Person, Unit]]:
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return lambda after, n: repository.absences_page(ctx.session, scope, unit.id, after, n)


def sales_list(ctx: Ctx, unit: Unit) -> Fetch[PharmacySale]:
    scope = rows_filter(ctx.actor, PharmacySale.jurisdiction_path, PharmacySale.unit_id)
    return lambda after, n: repository.sales_page(ctx.session, scope, unit.id, after, n)


def alerts_list(ctx: Ctx) -> Fetch[tuple[AbsenceAlert, Unit]]:
    require_read(ctx.actor)
    scope = rows_filter(ctx.actor, AbsenceAlert.jurisdiction_path, AbsenceAlert.unit_id)
    return lambda after, n: repository.alerts_page(ctx.session, scope, after, n)


def _place_filters(place: Jurisdiction | None, day: date) -> dict[str, object]:
    return {"report_date": day.isoformat()} | ({"jurisdiction_id": place.id} if place else {})


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
        **_place_filters(place, day),
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
        **_place_filters(place, day),
    )


@router.get("/unithealth/units/{unit_id}/absences/export")
def absences_export(unit_id: int, format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(absences_list(ctx, unit), lambda row: row[0].id):
            for a, p, _u in batch:
                who = [mask_name(p.name), p.id_masked]
                yield [
                    a.id,
                    a.absence_date.isoformat(),
                    *who,
                    a.group_name,
                    a.symptoms,
                    a.withdrawn,
                    a.version,
                ]

    columns = ("id", "absence_date", "name", "id_masked", "group", "symptoms", "withdrawn", "version")
    return export_download(
        ctx,
        format,
        f"unithealth-absences-{unit.id}",
        columns,
        lines(),
        "unithealth.absence.export",
        "unit",
        unit.id,
        unit.jurisdiction_path,
    )


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


@router.get("/unithealth/alerts/export")
def alerts_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = alerts_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda row: row[0].id):
            for a, u in batch:
                window = [a.window_start.isoformat(), a.window_end.isoformat()]
                yield [a.id, u.name, a.group_name, a.symptom, a.count, *window, a.rule_code, a.assignment_id]

    columns = [
        "id",
        "unit",
        "group",
        "symptom",
        "absences",
        "window_start",
        "window_end",
        "rule",
        "assignment",
    ]
    return export_download(
        ctx, format, "unithealth-alerts", columns, lines(), "unithealth.alert.export", "absence_alert"
    )
