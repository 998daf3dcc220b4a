"""The organisation of the mechanism (一办十九组, R1), the city leader linked to each district (R3) and
four-party responsibility of units and venues (四方责任, R4). Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lianfang.accounts.models import User
from lianfang.command import rules
from lianfang.command.access import MANAGE, REPORT, district_in_scope
from lianfang.command.meetings.service import check, home_of
from lianfang.command.models import CommandBody, DistrictLeader, Responsibility
from lianfang.core import audit
from lianfang.core.access import access_scoped
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound, Problem
from lianfang.units.models import Unit
from lianfang.venues.models import Venue


@dataclass(frozen=True)
class BodyInput:
    kind: str
    code: str
    name: str
    name_en: str = ""
    duties: str = ""
    parent_id: int | None = None
    lead_name: str = ""
    contact_username: str = ""
    sort: int = 0
    active: bool = True


def _contact(ctx: Ctx, username: str) -> tuple[int | None, Problem | None]:
    if not username.strip():
        return None, None
    user = ctx.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        return None, Problem("contact_username", "联系人账号不存在或已停用", "no active account by that name")
    return user.id, None


def save_body(ctx: Ctx, body_id: int | None, data: BodyInput) -> CommandBody:
    """Create (body_id None) or edit a body of the mechanism."""
    ctx.actor.require(MANAGE)
    existing = ctx.session.get(CommandBody, body_id) if body_id is not None else None
    if body_id is not None and existing is None:
        raise NotFound("机构", "body")
    code, name = data.code.strip(), data.name.strip()
    problems: list[Problem | None] = list(rules.body_problems(data.kind, code, name, data.duties.strip()))
    clash = ctx.session.scalar(select(CommandBody.id).where(CommandBody.code == code))
    if clash is not None and clash != body_id:
        problems.append(Problem("code", f"代码“{code}”已被使用", f"code {code!r} is taken"))
    parent = ctx.session.get(CommandBody, data.parent_id) if data.parent_id else None
    if data.parent_id and (parent is None or parent.id == body_id):
        problems.append(Problem("parent_id", "上级机构无效", "the parent body is not valid"))
    contact_id, contact_problem = _contact(ctx, data.contact_username)
    problems.append(contact_problem)
    check(problems)
    item = existing or CommandBody(jurisdiction_id=home_of(ctx).id)
    before = {"name": item.name, "duties": item.duties, "active": item.active} if existing else None
    item.kind, item.code, item.name, item.name_en = data.kind, code, name, data.name_en.strip()[:120]
    item.duties, item.parent_id, item.lead_name = (
        data.duties.strip(),
        data.parent_id,
        data.lead_name.strip()[:120],
    )
    item.contact_user_id, item.sort, item.active, item.updated_at = (
        contact_id,
        data.sort,
        data.active,
        ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    after = {"name": item.name, "duties": item.duties, "active": item.active}
    audit.record(ctx, "command.body_save", "command_body", item.id, None, before=before, after=after)
    return item


def set_leader(
    ctx: Ctx, jurisdiction_id: int, leader_name: str, leader_title: str = "", username: str = ""
) -> DistrictLeader | None:
    """Link a city leader to a district (an empty name removes the link)."""
    ctx.actor.require(MANAGE)
    place = district_in_scope(ctx.session, ctx.actor, jurisdiction_id)
    if place is None:
        raise NotFound("辖区", "jurisdiction")
    found = ctx.session.scalar(select(DistrictLeader).where(DistrictLeader.jurisdiction_id == place.id))
    before = {"leader": found.leader_name, "user_id": found.user_id} if found else None
    leader_name = leader_name.strip()
    if not leader_name:
        if found is not None:
            ctx.session.delete(found)
        audit.record(ctx, "command.leader_unset", "jurisdiction", place.id, place.path, before=before)
        return None
    user_id, problem = _contact(ctx, username)
    check(
        [
            rules.text_problem("leader_name", leader_name, 120, True, "市领导姓名", "the leader's name"),
            problem,
        ]
    )
    found = found or DistrictLeader(jurisdiction_id=place.id)
    found.leader_name, found.leader_title = leader_name, leader_title.strip()[:120]
    found.user_id, found.updated_at = user_id, ctx.now
    ctx.session.add(found)
    ctx.session.flush()
    after = {"leader": leader_name, "user_id": user_id}
    audit.record(ctx, "command.leader_set", "jurisdiction", place.id, place.path, before=before, after=after)
    return found


def subject_of(ctx: Ctx, subject_type: str, subject_id: int) -> Unit | Venue:
    """The unit or venue, if the actor's scope covers it."""
    if subject_type not in ("unit", "venue"):
        raise NotFound("单位或场所", "unit or venue")
    model: type[Unit] | type[Venue] = Unit if subject_type == "unit" else Venue
    return access_scoped(ctx.session, ctx.actor, model, subject_id, "单位或场所", "unit or venue")


def set_responsibility(
    ctx: Ctx, subject_type: str, subject_id: int, parties: dict[str, str]
) -> Responsibility:
    """Record the four parties responsible for a unit or venue (四方责任)."""
    ctx.actor.require(REPORT)
    subject = subject_of(ctx, subject_type, subject_id)
    values = {key: (parties.get(key) or "").strip() for key in rules.RESPONSIBILITY_PARTIES}
    check(
        [
            rules.text_problem(key, value, 200, True, zh, en)
            for key, (zh, en) in rules.RESPONSIBILITY_PARTIES.items()
            for value in (values[key],)
        ]
    )
    found = ctx.session.scalar(
        select(Responsibility).where(
            Responsibility.subject_type == subject_type, Responsibility.subject_id == subject.id
        )
    )
    before = {key: getattr(found, key) for key in values} if found else None
    found = found or Responsibility(subject_type=subject_type, subject_id=subject.id)
    for key, value in values.items():
        setattr(found, key, value)
    found.jurisdiction_path, found.updated_by_label, found.updated_at = (
        subject.jurisdiction_path,
        ctx.actor.label,
        ctx.now,
    )
    ctx.session.add(found)
    ctx.session.flush()
    audit.record(
        ctx,
        "command.responsibility",
        subject_type,
        subject.id,
        subject.jurisdiction_path,
        before=before,
        after=values,
    )
    return found
