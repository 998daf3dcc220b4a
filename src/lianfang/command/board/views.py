"""What the board and the leader's view show, read from the refreshed tables only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.assignments import repository as assignments_repository
from lianfang.assignments.models import Assignment
from lianfang.command import repository, rules
from lianfang.command.access import READ
from lianfang.command.models import BoardCount, BoardDay, BoardRefresh, Incident
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.jurisdictions.models import Jurisdiction


@dataclass
class BoardLine:
    key_type: str
    key: str
    name: str
    link_id: int | None  # the jurisdiction to open in /work, when there is one
    open: int = 0
    late: int = 0
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    days: list[tuple[date, int, int, int]] = field(default_factory=list)  # (day, due, completed, on time)

    @property
    def today(self) -> tuple[int, int, int]:
        return self.days[-1][1:] if self.days else (0, 0, 0)

    @property
    def rate(self) -> float | None:
        due, completed, _ = self.today
        return rules.rate(completed, due)

    def day_rate(self, day: date) -> float | None:
        """Share of the items due on `day` that are done."""
        found = [d for d in self.days if d[0] == day]
        return rules.rate(found[0][2], found[0][1]) if found else None

    @property
    def window_rate(self) -> float | None:
        return rules.rate(sum(d[3] for d in self.days), sum(d[1] for d in self.days))


def _fill(session: Session, lines: list[BoardLine], since: date) -> None:
    by_key = {(line.key_type, line.key): line for line in lines}
    for key_type in ("district", "group"):
        keys = [line.key for line in lines if line.key_type == key_type]
        if not keys:
            continue
        for row in session.scalars(
            select(BoardCount).where(BoardCount.key_type == key_type, BoardCount.key.in_(keys))
        ):
            line = by_key[(key_type, row.key)]
            line.open, line.late = line.open + row.open, line.late + row.late
            line.by_kind[row.kind] = (row.open, row.late)
        days = session.scalars(
            select(BoardDay)
            .where(BoardDay.key_type == key_type, BoardDay.key.in_(keys), BoardDay.day >= since)
            .order_by(BoardDay.day)
        )
        for day in days:
            by_key[(key_type, day.key)].days.append((day.day, day.due, day.completed, day.on_time))


@dataclass
class Board:
    refreshed_at: datetime | None
    districts: list[BoardLine]
    groups: list[BoardLine]
    incidents: list[Incident]
    escalated: list[Assignment]
    home: Jurisdiction | None
    day_list: list[date]


def board_view(ctx: Ctx, days: int = 7) -> Board:
    """What the office (or a district command, for its own district) sees on the board."""
    ctx.actor.require(READ)
    session, actor = ctx.session, ctx.actor
    today = local_date(ctx.now)
    since = today - timedelta(days=days - 1)
    lines: list[BoardLine] = []
    home = session.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    if home is not None and home.level != "district" and home.parent_id is None:
        lines.append(BoardLine("district", home.path, home.name, home.id))  # items owned at city level
    lines += [BoardLine("district", d.path, d.name, d.id) for d in repository.districts(session, actor)]
    groups: list[BoardLine] = []
    if home is not None and home.parent_id is None:
        groups = [
            BoardLine("group", b.code, b.name, None)
            for b in repository.bodies(session, active_only=True)
            if b.kind in ("group", "member", "office")
        ]
    _fill(session, lines + groups, since)
    escalated: list[Assignment] = []
    if home is not None:
        where = assignments_repository.ListFilter(escalated_to=home.path)
        escalated = assignments_repository.page(session, actor, where, ctx.now, None, 50)
    mark = session.get(BoardRefresh, 1)
    return Board(
        refreshed_at=mark.at if mark else None,
        districts=lines,
        groups=groups,
        incidents=repository.incidents_page(session, actor, "open", None, 20),
        escalated=escalated,
        home=home,
        day_list=[since + timedelta(days=n) for n in range(days)],
    )


@dataclass
class LeaderDistrict:
    district: Jurisdiction
    line: BoardLine
    late_items: list[Assignment]


def leader_view(ctx: Ctx) -> list[LeaderDistrict]:
    """The districts linked to the signed-in city leader, with their late items (R3)."""
    ctx.actor.require(READ)
    if ctx.actor.user_id is None:
        raise NotFound("辖区", "jurisdiction")
    found = []
    since = local_date(ctx.now) - timedelta(days=6)
    for district in repository.leader_districts(ctx.session, ctx.actor.user_id):
        line = BoardLine("district", district.path, district.name, district.id)
        _fill(ctx.session, [line], since)
        where = assignments_repository.ListFilter(late=True, owner_prefix=district.path)
        late = assignments_repository.page(ctx.session, ctx.actor, where, ctx.now, None, 20)
        found.append(LeaderDistrict(district, line, late))
    return found
