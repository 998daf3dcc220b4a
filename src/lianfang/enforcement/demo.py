"""Demo data for `lianfang demo`: a district inspector, an inspection of a unit with a same-day finding
the unit has answered, chess and card rooms ordered closed in the district, and a postponed event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.accounts import service as accounts
from lianfang.accounts.access import staff_actor
from lianfang.accounts.models import User
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.enforcement import rules
from lianfang.enforcement.closures import service as closures_service
from lianfang.enforcement.gatherings import service as gatherings_service
from lianfang.enforcement.inspections import service as inspections
from lianfang.units.models import Unit, UnitOfficer


def seed_enforcement(ctx: Ctx, district: User, officer: User, password: str) -> str:
    """`ctx` acts as an administrator (it creates the inspector account)."""
    inspector = accounts.create_user(
        ctx, "inspector", "区防疫监督检查员", password, "inspector", district.jurisdiction_id
    )
    as_inspector = ctx.as_actor(staff_actor(ctx.session, inspector, "seed"))
    as_district = ctx.as_actor(staff_actor(ctx.session, district, "seed"))
    as_officer = ctx.as_actor(staff_actor(ctx.session, officer, "seed"))
    own = select(UnitOfficer.unit_id).where(UnitOfficer.user_id == officer.id)
    unit = ctx.session.scalar(select(Unit).where(Unit.id.in_(own)).order_by(Unit.id).limit(1))
    done = []
    if unit is not None:
        checklist = rules.checklist_for("unit", unit.kind)
        results = {code: "pass" for code, _zh, _en in rules.CHECKLISTS[checklist]}
        results["canteen"] = "fail"
        finding = inspections.FindingInput("canteen", "食堂未开窗通风，未执行错峰就餐", same_day=True)
        data = inspections.InspectionInput("unit", unit.id, results, [finding], "例行监督检查")
        _inspection, findings = inspections.record_inspection(as_inspector, data)
        inspections.respond(as_officer, findings[0].id, "已开窗通风，调整为分批错峰就餐")
        done.append(f"inspection of {unit.name}")
    _order, closed = closures_service.order_closure(
        as_district, "chess_card_room", district.jurisdiction_id, "暂停开放棋牌室等密闭活动场所"
    )
    done.append(f"{len(closed)} chess and card rooms closed")
    planned = local_date(ctx.now) + timedelta(days=20)
    event = gatherings_service.register_event(
        as_district,
        gatherings_service.EventInput(
            "区马拉松邀请赛", "区体育局", 20000, planned, district.jurisdiction_id, "奥林匹克公园"
        ),
    )
    gatherings_service.decide_event(
        as_district, event.id, "postponed", planned + timedelta(days=90), "疫情防控需要，推后举行"
    )
    done.append("1 event postponed")
    return "enforcement: " + ", ".join(done)
