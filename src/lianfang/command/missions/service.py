"""Work groups sent to districts (督导组): send one, record its findings (each a directive), close it."""

from __future__ import annotations

from datetime import datetime

from lianfang.command import rules
from lianfang.command.access import MANAGE, access_mission, district_in_scope
from lianfang.command.meetings.service import check, issue_directive
from lianfang.command.models import (
    Directive,
    Mission,
)
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem


def send_mission(
    ctx: Ctx, jurisdiction_id: int, purpose: str, leader_name: str, members: str = ""
) -> Mission:
    """Send a work group to a district (派出工作组)."""
    ctx.actor.require(MANAGE)
    place = district_in_scope(ctx.session, ctx.actor, jurisdiction_id)
    purpose, leader_name, members = purpose.strip(), leader_name.strip(), members.strip()
    check(
        [
            None
            if place
            else Problem("jurisdiction_id", "辖区无效或不在管辖范围内", "not a jurisdiction in your scope"),
            rules.text_problem("purpose", purpose, 5000, True, "任务", "the purpose"),
            rules.text_problem("leader_name", leader_name, 120, True, "组长", "the leader"),
            rules.text_problem("members", members, 5000, False, "成员", "the members"),
        ]
    )
    assert place is not None
    mission = Mission(
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        purpose=purpose,
        leader_name=leader_name,
        members=members,
        sent_at=ctx.now,
        created_by_label=ctx.actor.label,
    )
    ctx.session.add(mission)
    ctx.session.flush()
    audit.record(
        ctx, "command.mission_send", "command_mission", mission.id, place.path, purpose=purpose[:200]
    )
    return mission


def add_finding(
    ctx: Ctx, mission_id: int, title: str, body: str = "", deadline: datetime | None = None
) -> Directive:
    """A work group's finding becomes a directive to the district it was sent to."""
    mission = access_mission(ctx.session, ctx.actor, mission_id)
    return issue_directive(
        ctx,
        title=title,
        body=body,
        district_ids=[mission.jurisdiction_id],
        deadline=deadline,
        mission_id=mission.id,
    )


def close_mission(ctx: Ctx, mission_id: int) -> Mission:
    ctx.actor.require(MANAGE)
    mission = access_mission(ctx.session, ctx.actor, mission_id)
    if mission.returned_at is None:
        mission.returned_at = ctx.now
        audit.record(ctx, "command.mission_return", "command_mission", mission.id, mission.jurisdiction_path)
    return mission
