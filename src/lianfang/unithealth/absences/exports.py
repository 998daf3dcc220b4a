"""A unit's sick absences and the alerts as the pages and their exports read them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.unithealth import repository
from lianfang.unithealth.access import readable_unit, require_read, rows_filter
from lianfang.unithealth.exports import Fetch
from lianfang.unithealth.models import AbsenceAlert, AbsenceReport
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)


def absences_list(ctx: Ctx, unit: Unit) -> Fetch[tuple[AbsenceReport, Person, Unit]]:
    scope = rows_filter(ctx.actor, Unit.jurisdiction_path, Unit.id)
    return lambda after, n: repository.absences_page(ctx.session, scope, unit.id, after, n)


def alerts_list(ctx: Ctx) -> Fetch[tuple[AbsenceAlert, Unit]]:
    require_read(ctx.actor)
    scope = rows_filter(ctx.actor, AbsenceAlert.jurisdiction_path, AbsenceAlert.unit_id)
    return lambda after, n: repository.alerts_page(ctx.session, scope, after, n)


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
