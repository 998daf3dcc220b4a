"""Use cases over venues: register, edit, open / close / seal (one or a selection), assign an operator.
Writes audit rows and publishes VenueStatusChanged; flushes, never commits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from lianfang.accounts.service import access_user
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem, invalid
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.venues import repository
from lianfang.venues.access import OPERATE, WRITE, access_venue, venues_filter
from lianfang.venues.events import VenueStatusChanged
from lianfang.venues.models import Venue
from lianfang.venues.rules import STATUSES, new_code, normalise_kind, reason_problem, transition_problem

OPERATOR_ROLE = "venue_operator"
MAX_BULK = 1000


@dataclass(frozen=True)
class VenueInput:
    name: str
    kind: str
    community_id: int | None = None
    community_code: str = ""
    address: str = ""
    capacity: int | None = None
    unit_id: int | None = None


def resolve_community(ctx: Ctx, data: VenueInput) -> Jurisdiction | None:
    if data.community_id is not None:
        return ctx.session.get(Jurisdiction, data.community_id)
    if data.community_code.strip():
        return jurisdictions_repository.by_code(ctx.session, data.community_code.strip())
    return None


def venue_problems(
    ctx: Ctx, data: VenueInput, community: Jurisdiction | None, row: int | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    if not data.name.strip():
        problems.append(Problem("name", "场所名称不能为空", "the venue name is required", row))
    elif len(data.name.strip()) > 200:
        problems.append(Problem("name", "名称最多200个字符", "the name has at most 200 characters", row))
    if normalise_kind(data.kind) is None:
        problems.append(
            Problem("kind", f"场所类型“{data.kind}”无效", f"unknown venue kind {data.kind!r}", row)
        )
    field = "community_id" if data.community_id is not None else "community_code"
    if community is None or not ctx.actor.covers(community.path):
        problems.append(
            Problem(
                field,
                "找不到该社区，或不在您的管辖范围内",
                "community not found or outside your jurisdiction",
                row,
            )
        )
    elif community.level != "community":
        problems.append(Problem(field, "请选择社区（村）一级的辖区", "choose a community (village)", row))
    elif not community.active:
        problems.append(Problem(field, "该社区已停用", "that community is inactive", row))
    if len(data.address.strip()) > 255:
        problems.append(
            Problem("address", "地址最多255个字符", "the address has at most 255 characters", row)
        )
    if data.capacity is not None and not 0 <= data.capacity <= 1_000_000:
        problems.append(
            Problem("capacity", "容量应为0到1000000的整数", "capacity is a whole number 0-1000000", row)
        )
    return problems


def _duplicate(venue_id: int | None, other: Venue | None, row: int | None = None) -> list[Problem]:
    if other is None or other.id == venue_id:
        return []
    return [
        Problem(
            "name",
            f"本社区已登记同名同地址的场所（编码{other.code}）",
            f"a venue with this name and address is already registered here (code {other.code})",
            row,
        )
    ]


def fresh_code(ctx: Ctx, taken: set[str] | None = None) -> str:
    """A new unique venue code (8 characters of an alphabet without look-alikes: ~8.5e11 codes)."""
    for _ in range(20):
        code = new_code(secrets.choice)
        if (taken is None or code not in taken) and not repository.code_taken(ctx.session, code):
            if taken is not None:
                taken.add(code)
            return code
    msg = "could not find a free venue code"
    raise RuntimeError(msg)


def flush_checking_unit(ctx: Ctx, unit_id: int | None) -> None:
    """Flush; an operating unit id that does not exist is reported as a problem, not a crash. (Venues sit
    beside units and do not read them: the foreign key is the check.)"""
    if unit_id is None:
        ctx.session.flush()
        return
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        raise invalid("unit_id", "找不到该经营单位", "the operating unit was not found") from None


def snapshot(venue: Venue) -> dict[str, object]:
    return {
        "name": venue.name,
        "kind": venue.kind,
        "community_id": venue.community_id,
        "address": venue.address,
        "capacity": venue.capacity,
        "unit_id": venue.unit_id,
    }


def insert_venue(ctx: Ctx, data: VenueInput, community: Jurisdiction, code: str) -> Venue:
    kind = normalise_kind(data.kind)
    assert kind is not None
    venue = Venue(
        code=code,
        name=data.name.strip(),
        kind=kind,
        community_id=community.id,
        jurisdiction_path=community.path,
        address=data.address.strip(),
        capacity=data.capacity,
        status="open",
        status_reason="",
        status_by_authority=False,
        unit_id=data.unit_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(venue)
    return venue


def create_venue(ctx: Ctx, data: VenueInput) -> Venue:
    ctx.actor.require(WRITE)
    community = resolve_community(ctx, data)
    problems = venue_problems(ctx, data, community)
    if community is not None and not problems:
        other = repository.same_place(ctx.session, community.path, data.name.strip(), data.address.strip())
        problems += _duplicate(None, other)
    if problems:
        raise Invalid(problems)
    assert community is not None
    venue = insert_venue(ctx, data, community, fresh_code(ctx))
    flush_checking_unit(ctx, data.unit_id)
    audit.record(
        ctx, "venue.create", "venue", venue.id, venue.jurisdiction_path, code=venue.code, **snapshot(venue)
    )
    return venue


def apply_update(ctx: Ctx, venue: Venue, data: VenueInput, community: Jurisdiction) -> None:
    kind = normalise_kind(data.kind)
    assert kind is not None
    venue.name, venue.kind, venue.address = data.name.strip(), kind, data.address.strip()
    venue.community_id, venue.jurisdiction_path = community.id, community.path
    venue.capacity, venue.unit_id, venue.updated_at = data.capacity, data.unit_id, ctx.now


def update_venue(ctx: Ctx, venue_id: int, data: VenueInput) -> Venue:
    ctx.actor.require(WRITE)
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    community = resolve_community(ctx, data)
    problems = venue_problems(ctx, data, community)
    if community is not None and not problems:
        other = repository.same_place(ctx.session, community.path, data.name.strip(), data.address.strip())
        problems += _duplicate(venue.id, other)
    if problems:
        raise Invalid(problems)
    assert community is not None
    before, old_path = snapshot(venue), venue.jurisdiction_path
    apply_update(ctx, venue, data, community)
    flush_checking_unit(ctx, data.unit_id)
    audit.record(
        ctx,
        "venue.update",
        "venue",
        venue.id,
        old_path,
        code=venue.code,
        before=before,
        after=snapshot(venue),
    )
    return venue


def _set_status(ctx: Ctx, venue: Venue, status: str, reason: str, authority: bool) -> None:
    old = venue.status
    venue.status, venue.status_reason = status, reason.strip()
    venue.status_changed_at, venue.status_by_authority, venue.updated_at = ctx.now, authority, ctx.now
    audit.record(
        ctx,
        "venue.status",
        "venue",
        venue.id,
        venue.jurisdiction_path,
        code=venue.code,
        before=old,
        after=status,
        reason=reason.strip(),
        by_authority=authority,
    )
    ctx.publish(
        VenueStatusChanged(
            venue.id, venue.code, venue.jurisdiction_path, old, status, reason.strip(), ctx.now, authority
        )
    )


def change_status(ctx: Ctx, venue_id: int, status: str, reason: str) -> Venue:
    """Authorities (registry writers) open, close, seal and unseal; a venue's operator only closes it for
    a while and opens it again, and cannot undo what the authorities set."""
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    authority = ctx.actor.can(WRITE)
    if not authority:
        ctx.actor.require(OPERATE)
    problems = [
        p
        for p in (
            transition_problem(venue.status, status, authority, venue.status_by_authority),
            reason_problem(status, reason),
        )
        if p is not None
    ]
    if problems:
        raise Invalid(problems)
    _set_status(ctx, venue, status, reason, authority)
    return venue


@dataclass(frozen=True)
class BulkResult:
    changed: list[int]
    unchanged: list[int]


def bulk_change_status(ctx: Ctx, venue_ids: Sequence[int], status: str, reason: str) -> BulkResult:
    """Change the status of a selection: every venue must be in the actor's scope, or nothing changes.
    Venues already in the wanted status are left as they are (and reported as unchanged)."""
    ctx.actor.require(WRITE)
    ids = list(dict.fromkeys(int(i) for i in venue_ids))
    if not ids:
        raise invalid("venue_ids", "请至少选择一个场所", "select at least one venue")
    if len(ids) > MAX_BULK:
        raise invalid(
            "venue_ids", f"一次最多选择{MAX_BULK}个场所", f"select at most {MAX_BULK} venues at once"
        )
    if status not in STATUSES:
        raise invalid("status", f"状态“{status}”无效", f"unknown status {status!r}")
    problem = reason_problem(status, reason)
    if problem is not None:
        raise Invalid([problem])
    venues = repository.by_ids(ctx.session, venues_filter(ctx.actor), ids)
    if len(venues) != len(ids):
        raise NotFound("所选场所中有的", "some of the selected venues")
    result = BulkResult([], [])
    for venue in venues:
        if venue.status == status:
            result.unchanged.append(venue.id)
            continue
        _set_status(ctx, venue, status, reason, True)
        result.changed.append(venue.id)
    audit.record(
        ctx, "venue.bulk_status", "venue", None, ctx.actor.scope_path, status=status, changed=result.changed
    )
    return result


def assign_operator(ctx: Ctx, venue_id: int, user_id: int | None) -> Venue:
    """Give the venue an operator account (role venue_operator), or take it away with None."""
    ctx.actor.require(WRITE)
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    if user_id is not None:
        user, _home = access_user(ctx, user_id)
        if user.role != OPERATOR_ROLE:
            raise invalid("user_id", "该账号不是场所登记员", "that account is not a venue operator")
        if not user.active:
            raise invalid("user_id", "该账号已停用", "that account is disabled")
    if venue.operator_user_id == user_id:
        raise Conflict("该场所已由此账号负责", "that account already operates this venue")
    before = venue.operator_user_id
    venue.operator_user_id, venue.updated_at = user_id, ctx.now
    audit.record(
        ctx, "venue.operator", "venue", venue.id, venue.jurisdiction_path, before=before, after=user_id
    )
    return venue
