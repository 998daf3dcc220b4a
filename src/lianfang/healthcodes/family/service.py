"""他人代查 (RULES.md §4.2, 健康宝 2.0): a resident adds up to four other people by name and ID number and
then sees their codes; removing one is always allowed. Both are audited."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.healthcodes.access import FAMILY_MAX, find_by_identity
from lianfang.healthcodes.models import FamilyMember
from lianfang.people.access import own_records
from lianfang.people.models import Person


def add_member(ctx: Ctx, name: str, id_number: str, relation: str) -> Person:
    account = ctx.actor.resident_id
    if account is None:
        raise DomainError("请先以居民身份登录", "sign in as a resident first", 403)
    person = find_by_identity(ctx, name, id_number, local_date(ctx.now))
    if person.id in {p.id for p in own_records(ctx.session, ctx.actor)}:
        raise Invalid([Problem("id_number", "这是您本人的登记信息", "this is your own registration")])
    existing = ctx.session.scalar(
        select(FamilyMember.id).where(FamilyMember.account_id == account, FamilyMember.person_id == person.id)
    )
    if existing is not None:
        return person
    count = ctx.session.scalar(select(func.count()).where(FamilyMember.account_id == account)) or 0
    if count >= FAMILY_MAX:
        raise Invalid([Problem("id_number", "最多为4人代查", "you can check for at most 4 people")])
    ctx.session.add(
        FamilyMember(
            account_id=account, person_id=person.id, relation=relation.strip()[:40], created_at=ctx.now
        )
    )
    ctx.session.flush()
    audit.record(ctx, "healthcodes.family.add", "person", person.id, person.jurisdiction_path)
    return person


def remove_member(ctx: Ctx, person_id: int) -> None:
    account = ctx.actor.resident_id
    if account is None:
        raise DomainError("请先以居民身份登录", "sign in as a resident first", 403)
    ctx.session.execute(
        delete(FamilyMember).where(FamilyMember.account_id == account, FamilyMember.person_id == person_id)
    )
    audit.record(ctx, "healthcodes.family.remove", "person", person_id, None)
