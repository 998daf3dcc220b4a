"""Centralised isolation sites (集中隔离点) with rooms: rooms are added by number, a person under a
centralised order is assigned to a free room, ending the order frees it; capacity per site and for the
whole area the actor reaches."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lianfang.control.access import DECIDE, READ, WRITE, access_order, access_site
from lianfang.control.models import IsolationRoom, IsolationSite
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.jurisdictions.access import access_jurisdiction, subtree_filter


def create_site(
    ctx: Ctx, name: str, jurisdiction_id: int, address: str = "", rooms: list[str] | None = None
) -> IsolationSite:
    ctx.actor.require(DECIDE)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    if not name.strip():
        raise Invalid([Problem("name", "请填写隔离点名称", "name the site")])
    site = IsolationSite(
        name=name.strip()[:200],
        jurisdiction_id=place.id,
        jurisdiction_path=place.path,
        address=address.strip()[:255],
        created_at=ctx.now,
    )
    ctx.session.add(site)
    ctx.session.flush()
    audit.record(ctx, "control.site.create", "control_site", site.id, site.jurisdiction_path, name=site.name)
    if rooms:
        add_rooms(ctx, site.id, rooms)
    return site


def add_rooms(ctx: Ctx, site_id: int, numbers: list[str]) -> int:
    """Add rooms by number; numbers already there are skipped (re-running adds nothing)."""
    ctx.actor.require(DECIDE)
    site = access_site(ctx.session, ctx.actor, site_id)
    wanted = sorted({n.strip()[:20] for n in numbers if n.strip()})
    if not wanted or len(wanted) > 2000:
        raise Invalid([Problem("rooms", "请填写1至2000个房间号", "give 1 to 2000 room numbers")])
    have = set(ctx.session.scalars(select(IsolationRoom.number).where(IsolationRoom.site_id == site.id)))
    new = [n for n in wanted if n not in have]
    ctx.session.add_all(IsolationRoom(site_id=site.id, number=n) for n in new)
    ctx.session.flush()
    audit.record(ctx, "control.site.rooms", "control_site", site.id, site.jurisdiction_path, added=len(new))
    return len(new)


def assign_room(
    ctx: Ctx, order_id: int, room_id: int | None = None, site_id: int | None = None
) -> IsolationRoom:
    """Put a person under a centralised order into a room (the given one, or the first free one of a
    site). The site must be in the actor's reach; one person per room."""
    ctx.actor.require(WRITE)
    order = access_order(ctx.session, ctx.actor, order_id)
    problems: list[Problem] = []
    if order.status != "active" or order.kind != "centralised":
        problems.append(
            Problem("order_id", "仅集中隔离中的管控令可分配房间", "only active centralised orders get a room")
        )
    if room_id is not None:
        room = ctx.session.get(IsolationRoom, room_id)
        if room is None:
            raise NotFound("房间", "room")
        access_site(ctx.session, ctx.actor, room.site_id)
    elif site_id is not None:
        access_site(ctx.session, ctx.actor, site_id)
        room = ctx.session.scalar(
            select(IsolationRoom)
            .where(IsolationRoom.site_id == site_id, IsolationRoom.order_id.is_(None))
            .order_by(IsolationRoom.number)
            .limit(1)
        )
        if room is None:
            problems.append(Problem("site_id", "该隔离点已满", "the site is full"))
    else:
        problems.append(Problem("room_id", "请选择隔离点或房间", "choose a site or a room"))
        room = None
    if room is not None and room.order_id not in (None, order.id):
        problems.append(Problem("room_id", "该房间已有人", "the room is taken"))
    if problems:
        raise Invalid(problems)
    assert room is not None
    if order.room_id and order.room_id != room.id:
        old = ctx.session.get(IsolationRoom, order.room_id)
        if old is not None:
            old.order_id = None
    ctx.session.flush()
    room.order_id, order.room_id, order.updated_at = order.id, room.id, ctx.now
    ctx.session.flush()
    audit.record(
        ctx, "control.room.assign", "control_order", order.id, order.jurisdiction_path, room_id=room.id
    )
    return room


@dataclass(frozen=True)
class Capacity:
    site: IsolationSite
    rooms: int
    occupied: int

    @property
    def free(self) -> int:
        return self.rooms - self.occupied


def capacity(ctx: Ctx) -> tuple[list[Capacity], int, int]:
    """Per site in reach, and the totals (rooms, occupied)."""
    ctx.actor.require(READ)
    rows = ctx.session.execute(
        select(IsolationSite, func.count(IsolationRoom.id), func.count(IsolationRoom.order_id))
        .outerjoin(IsolationRoom, IsolationRoom.site_id == IsolationSite.id)
        .where(subtree_filter(ctx.actor, IsolationSite.jurisdiction_path))
        .group_by(IsolationSite.id)
        .order_by(IsolationSite.id)
        .limit(1000)
    ).all()
    items = [Capacity(site, int(n), int(used)) for site, n, used in rows]
    return items, sum(c.rooms for c in items), sum(c.occupied for c in items)
