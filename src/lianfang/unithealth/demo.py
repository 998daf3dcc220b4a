"""Demo data for `lianfang demo`: a unit officer's daily reports for the last days (zero reports and one
day with an abnormal person, corrected) and a cluster of sick absences that raises an early warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy import select

from lianfang.accounts.access import staff_actor
from lianfang.accounts.models import User
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.unithealth import repository
from lianfang.unithealth.absences import service as absences
from lianfang.unithealth.reports import service as reports
from lianfang.units.models import Unit, UnitOfficer

DAYS = 3


def seed_unit_health(ctx: Ctx, officer: User) -> str:
    """Reports of the officer's first unit for the last DAYS days and today; absences if it has groups."""
    as_officer = ctx.as_actor(staff_actor(ctx.session, officer, "seed"))
    own = select(UnitOfficer.unit_id).where(UnitOfficer.user_id == officer.id)
    unit = ctx.session.scalar(select(Unit).where(Unit.id.in_(own)).order_by(Unit.id).limit(1))
    if unit is None:
        return "unit health: no unit"
    today = local_date(ctx.now)
    filed = 0
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        at = datetime.combine(day, time(9), tzinfo=SHANGHAI) if back else ctx.now
        acting = replace(as_officer, now=at)
        members = repository.active_members(ctx.session, unit.id, day)
        if back == 0 and members:
            first = members[0][1].id
            entries = [reports.EntryInput(first, 37.6, True, ("fever",))]
            reports.file_report(acting, unit.id, reports.ReportInput(day, True))
            reports.file_report(acting, unit.id, reports.ReportInput(day, False, entries, "", "午检发热"))
        else:
            reports.file_report(acting, unit.id, reports.ReportInput(day, True))
        filed += 1
    groups: dict[str, list[int]] = {}
    for member, person in repository.active_members(ctx.session, unit.id, today):
        if member.group_name:
            groups.setdefault(member.group_name, []).append(person.id)
    alerts = 0
    cluster = next((ids for ids in groups.values() if len(ids) >= 3), [])
    for person_id in cluster[:3]:
        _absence, raised = absences.report_absence(
            as_officer, unit.id, absences.AbsenceInput(person_id, today, ("fever",))
        )
        alerts += len(raised)
    return f"unit health: {filed} daily reports of {unit.name}, {len(cluster[:3])} absences, {alerts} alerts"
