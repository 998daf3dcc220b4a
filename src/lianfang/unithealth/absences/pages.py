"""Pages of a unit's sick absences and of the early-warning alerts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.unithealth import repository, rules
from lianfang.unithealth.absences import exports
from lianfang.unithealth.absences import service as absences
from lianfang.unithealth.access import REPORT, readable_unit
from lianfang.unithealth.exports import day_of
from lianfang.unithealth.pages import form_problems
from lianfang.units.models import Unit

router = APIRouter(include_in_schema=False)


def _absences(
    request: Request,
    ctx: Ctx,
    unit: Unit,
    problems: list[Problem] | None = None,
    status: int = 200,
    raised: int | None = None,
    after: int | None = None,
) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.absences_list(ctx, unit)(after, size + 1))
    next_url = (
        f"/unithealth/units/{unit.id}/absences?after={rows[size - 1][0].id}" if len(rows) > size else None
    )
    members = repository.active_members(ctx.session, unit.id, local_date(ctx.now))
    return render(
        request,
        "unithealth/absences.html",
        status_code=status,
        unit=unit,
        rows=rows[:size],
        next_url=next_url,
        members=members,
        symptoms=rules.SYMPTOMS,
        problems=problems or [],
        today=local_date(ctx.now),
        raised=raised,
        can_report=ctx.actor.can(REPORT),
        unit_rules=[
            r.describe() for r in rules.rules_for_kind(unit.kind, absences.overrides(ctx, unit.kind))
        ],
    )


@router.get("/unithealth/units/{unit_id}/absences")
def absences_page(
    request: Request,
    unit_id: int,
    raised: int | None = None,
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    return _absences(request, ctx, unit, raised=raised, after=after)


@router.post("/unithealth/units/{unit_id}/absences", dependencies=[Depends(check_csrf)])
async def report_absence(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    unit = readable_unit(ctx.session, ctx.actor, unit_id)
    form = await request.form()
    try:
        data = absences.AbsenceInput(
            int(str(form.get("person_id", "0")) or 0),
            day_of(str(form.get("absence_date", "")), ctx),
            tuple(str(s) for s in form.getlist("symptoms")),
            str(form.get("note", "")),
        )
        _absence, alerts = absences.report_absence(ctx, unit.id, data)
    except (Invalid, DomainError) as exc:
        ctx.session.rollback()
        return _absences(request, ctx, unit, form_problems(exc), exc.status if exc.status != 400 else 422)
    except ValueError:
        return _absences(request, ctx, unit, [Problem("person_id", "请选择人员", "choose a person")], 422)
    return RedirectResponse(f"/unithealth/units/{unit.id}/absences?raised={len(alerts)}", status_code=303)


@router.get("/unithealth/alerts")
def alerts_page(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    size = ctx.settings.page_size
    rows = list(exports.alerts_list(ctx)(after, size + 1))
    next_url = f"/unithealth/alerts?after={rows[size - 1][0].id}" if len(rows) > size else None
    return render(
        request, "unithealth/alerts.html", rows=rows[:size], next_url=next_url, symptoms=rules.SYMPTOMS
    )
