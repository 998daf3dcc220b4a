"""The command module's worker side: the board refresh every minute, and telling the linked city leader
when a district's item escalates (the assignments worker does the escalating)."""

from __future__ import annotations

from lianfang.assignments.events import AssignmentEscalated
from lianfang.command import repository, rules
from lianfang.command.board.refresh import refresh
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime, enqueue

REFRESH_SECONDS = 60.0


def tell_leader(ctx: Ctx, event: AssignmentEscalated) -> None:
    """A late item of a district with a linked city leader: the leader is notified once per item."""
    leader = repository.leader_of_path(ctx.session, rules.board_district_key(event.owner_path))
    if leader is None or leader.user_id is None:
        return
    payload = {
        "assignment_id": event.assignment_id,
        "event": "leader",
        "to_user_id": leader.user_id,
        "to_path": event.watch_path,
        "title": "",
    }
    enqueue(ctx, "notify", payload, dedupe_key=f"assignment:{event.assignment_id}:leader")


def register(runtime: Runtime) -> None:
    runtime.periodic["command.refresh_board"] = (REFRESH_SECONDS, refresh)
    runtime.bus.subscribe(AssignmentEscalated, tell_leader)
