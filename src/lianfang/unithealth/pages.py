"""The unit-health hub (`/unithealth`) and helpers shared by the unit-health pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import render, staff_ctx
from lianfang.unithealth import repository
from lianfang.unithealth.access import READ, require_read
from lianfang.units.models import Unit, UnitOfficer
from lianfang.units.rules import KINDS as UNIT_KINDS

router = APIRouter(include_in_schema=False)


def form_problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


@router.get("/unithealth")
def index(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Unit officers: their units and today's status. Street and district staff: the missing list."""
    require_read(ctx.actor)
    if ctx.actor.can(READ):
        return RedirectResponse("/unithealth/missing", status_code=303)
    own = select(UnitOfficer.unit_id).where(UnitOfficer.user_id == ctx.actor.user_id)
    units = list(ctx.session.scalars(select(Unit).where(Unit.id.in_(own)).order_by(Unit.name)))
    today = local_date(ctx.now)
    status = {u.id: repository.report_for(ctx.session, u.id, today) for u in units}
    return render(request, "unithealth/index.html", units=units, status=status, today=today, kinds=UNIT_KINDS)
