"""The supervision board's pre-aggregation (督办看板): pages never count the assignments table; the
worker's `refresh` (every minute, and on demand from the board) rewrites one row per (district or
group, kind) with open/late counts and one row per (day, district or group) with due/completed/
on-time counts. The refresh is a state computation, so a worker that was down fills every day of the
window it missed in its next pass."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from lianfang.assignments.models import Assignment
from lianfang.assignments.rules import OPEN_STATES
from lianfang.command import rules
from lianfang.command.models import BoardCount, BoardDay, BoardRefresh
from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx

TOTAL = ("total", "*")


def _keys(owner_path: str, group: str | None) -> list[tuple[str, str]]:
    keys = [("district", rules.board_district_key(owner_path))]
    return [*keys, ("group", group)] if group else keys


def _refresh_open(session: Session, now: datetime) -> int:
    late = func.sum(case((Assignment.deadline <= now, 1), else_=0))
    rows = session.execute(
        select(Assignment.owner_path, Assignment.owner_group, Assignment.kind, func.count(), late)
        .where(Assignment.state.in_(OPEN_STATES))
        .group_by(Assignment.owner_path, Assignment.owner_group, Assignment.kind)
    )
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for path, group, kind, n, n_late in rows:
        for key_type, key in _keys(str(path), group):
            totals[(key_type, key, str(kind))][0] += int(n)
            totals[(key_type, key, str(kind))][1] += int(n_late or 0)
    session.execute(delete(BoardCount))
    session.add_all(
        BoardCount(key_type=t, key=k, kind=kind, open=o, late=la) for (t, k, kind), (o, la) in totals.items()
    )
    return len(totals)


def _refresh_day(session: Session, day: date) -> None:
    start, end = rules.day_bounds(day)
    done = Assignment.state == "done"
    rows = session.execute(
        select(
            Assignment.owner_path,
            Assignment.owner_group,
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((done & (Assignment.done_at <= Assignment.deadline), 1), else_=0)),
        )
        .where(Assignment.deadline > start, Assignment.deadline <= end, Assignment.state != "cancelled")
        .group_by(Assignment.owner_path, Assignment.owner_group)
    )
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    totals[TOTAL] = [0, 0, 0]  # the total row marks the day as computed even when nothing was due
    for path, group, n, n_done, n_on_time in rows:
        for key in [*_keys(str(path), group), TOTAL]:
            for i, value in enumerate((n, n_done, n_on_time)):
                totals[key][i] += int(value or 0)
    session.execute(delete(BoardDay).where(BoardDay.day == day))
    session.add_all(
        BoardDay(day=day, key_type=t, key=k, due=v[0], completed=v[1], on_time=v[2])
        for (t, k), v in totals.items()
    )


def refresh(ctx: Ctx) -> int:
    """Recompute the board: open/late now, today and yesterday, and every missing day of the window."""
    session, window = ctx.session, ctx.settings.command_board_days
    # Two workers (or a worker and the office's button) take turns: the marker row is the lock.
    mark = session.get(BoardRefresh, 1, with_for_update=True) or BoardRefresh(id=1)
    changed = _refresh_open(session, ctx.now)
    oldest = local_date(ctx.now) - timedelta(days=window - 1)
    session.execute(delete(BoardDay).where(BoardDay.day < oldest))
    stored = set(
        session.scalars(select(BoardDay.day).where(BoardDay.key_type == TOTAL[0], BoardDay.day >= oldest))
    )
    for day in rules.days_to_refresh(ctx.now, stored, window):
        _refresh_day(session, day)
        changed += 1
    mark.at = ctx.now
    session.add(mark)
    session.flush()
    return changed


def refresh_now(ctx: Ctx) -> int:
    """The office asks for fresh numbers (the worker does this every minute anyway)."""
    ctx.actor.require("command.manage")
    changed = refresh(ctx)
    audit.record(ctx, "command.board_refresh", "command_board", None, ctx.actor.scope_path)
    return changed
