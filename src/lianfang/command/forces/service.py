"""Forces (流调、采样、封控、转运队伍, R18) that the city reassigns between districts."""

from __future__ import annotations

from lianfang.command import rules
from lianfang.command.access import MANAGE, REPORT, access_force, district_in_scope
from lianfang.command.events import ForcesMoved
from lianfang.command.incidents.service import raise_problems
from lianfang.command.models import Force, ForceMove
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound, Problem


def create_force(
    ctx: Ctx, *, kind: str, name: str, size: int, jurisdiction_id: int, leader_name: str = ""
) -> Force:
    """Register a team in a district (the city anywhere; a district in its own area)."""
    ctx.actor.require(REPORT)
    home = district_in_scope(ctx.session, ctx.actor, jurisdiction_id)
    name = name.strip()
    problems: list[Problem | None] = list(rules.force_problems(kind, name, size))
    problems.append(
        None
        if home
        else Problem("jurisdiction_id", "辖区无效或不在管辖范围内", "not a jurisdiction in your scope")
    )
    raise_problems(problems)
    assert home is not None
    force = Force(
        kind=kind,
        name=name,
        size=size,
        leader_name=leader_name.strip()[:120],
        home_jurisdiction_id=home.id,
        jurisdiction_id=home.id,
        jurisdiction_path=home.path,
        updated_at=ctx.now,
    )
    ctx.session.add(force)
    ctx.session.flush()
    audit.record(ctx, "command.force_create", "command_force", force.id, home.path, kind=kind, size=size)
    return force


def move_forces(ctx: Ctx, force_ids: list[int], to_jurisdiction_id: int, reason: str = "") -> list[Force]:
    """The city reassigns a selection of teams to a district (统筹调配); every move is recorded. All of
    the selection or none."""
    ctx.actor.require(MANAGE)
    target = district_in_scope(ctx.session, ctx.actor, to_jurisdiction_id)
    reason = reason.strip()
    unique = list(dict.fromkeys(force_ids))
    problems: list[Problem | None] = [
        None
        if target
        else Problem(
            "to_jurisdiction_id", "目标辖区无效或不在管辖范围内", "not a jurisdiction in your scope"
        ),
        None if unique else Problem("ids", "请至少选择一支队伍", "select at least one team"),
        rules.text_problem("reason", reason, 500, False, "调配原因", "the reason"),
    ]
    forces: list[Force] = []
    for force_id in unique:
        try:
            forces.append(access_force(ctx.session, ctx.actor, force_id, for_update=True))
        except NotFound:
            problems.append(Problem("ids", f"#{force_id}：未找到，或无权查看", f"#{force_id}: not found"))
    raise_problems(problems)
    assert target is not None
    for force in forces:
        if force.jurisdiction_id == target.id:
            continue
        move = ForceMove(
            force_id=force.id,
            from_jurisdiction_id=force.jurisdiction_id,
            to_jurisdiction_id=target.id,
            reason=reason,
            at=ctx.now,
            by_label=ctx.actor.label,
        )
        ctx.session.add(move)
        before = {"jurisdiction_id": force.jurisdiction_id}
        force.jurisdiction_id, force.jurisdiction_path, force.updated_at = target.id, target.path, ctx.now
        audit.record(
            ctx,
            "command.force_move",
            "command_force",
            force.id,
            target.path,
            before=before,
            after={"jurisdiction_id": target.id},
            reason=reason,
        )
    ctx.session.flush()
    ctx.publish(ForcesMoved(tuple(f.id for f in forces), target.id))
    return forces
