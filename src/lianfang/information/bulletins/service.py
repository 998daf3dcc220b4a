"""Bulletin use cases: generate a draft for a day from the data, edit its bilingual text, approve,
publish, and correct a published bulletin with a new version that supersedes it. A published version
never changes (only its `superseded_by_id` and status when a correction is published); policy pages
are kept here too. The only writer of the bulletin and policy tables; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.access import access_scoped
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound
from lianfang.information import rules
from lianfang.information.bulletins import views as figures_mod
from lianfang.information.models import Bulletin, PolicyPage
from lianfang.jurisdictions.models import Jurisdiction

READ, WRITE, APPROVE = "information.read", "information.write", "information.approve"


def _audit(ctx: Ctx, item: Bulletin, verb: str, **detail: Any) -> None:
    audit.record(
        ctx, f"information.bulletin.{verb}", "information_bulletin", item.id, item.jurisdiction_path, **detail
    )


def access_bulletin(ctx: Ctx, bulletin_id: int, for_update: bool = False) -> Bulletin:
    ctx.actor.require(READ)
    return access_scoped(ctx.session, ctx.actor, Bulletin, bulletin_id, "通报", "bulletin", for_update)


def home_area(ctx: Ctx) -> Jurisdiction:
    """The area the actor's bulletins report on: their home jurisdiction (the city, for the office)."""
    area = ctx.session.get(Jurisdiction, ctx.actor.jurisdiction_id) if ctx.actor.jurisdiction_id else None
    if area is None:
        raise NotFound("辖区", "jurisdiction")
    return area


def _fill_text(item: Bulletin) -> None:
    item.title_zh, item.title_en = rules.titles(item.figures)
    item.body_zh, item.body_en = rules.body(item.figures)


def generate(ctx: Ctx, day: date) -> Bulletin:
    """A draft for `day` over the actor's area; one open draft per day (regenerate it instead)."""
    ctx.actor.require(WRITE)
    area = home_area(ctx)
    problem = rules.day_problem(day, local_date(ctx.now))
    if problem is not None:
        raise Invalid([problem])
    latest = _latest(ctx, area.path, day)
    if latest is not None and latest.status in rules.EDITABLE:
        raise Conflict(
            f"该日已有待发布的通报 #{latest.id}，请在其上修改或重新生成",
            f"bulletin #{latest.id} for this day is not yet published; edit or regenerate it",
        )
    if latest is not None:
        raise Conflict(
            f"该日通报 #{latest.id} 已发布，更正请生成新版本",
            f"bulletin #{latest.id} for this day is published; a correction is a new version of it",
        )
    item = _new(ctx, area, day, 1, None)
    _audit(ctx, item, "generate", day=day.isoformat(), version=1)
    return item


def _latest(ctx: Ctx, path: str, day: date) -> Bulletin | None:
    return ctx.session.scalar(
        select(Bulletin)
        .where(Bulletin.jurisdiction_path == path, Bulletin.day == day)
        .order_by(Bulletin.version.desc())
        .limit(1)
    )


def _new(ctx: Ctx, area: Jurisdiction, day: date, version: int, supersedes: Bulletin | None) -> Bulletin:
    item = Bulletin(
        jurisdiction_path=area.path,
        day=day,
        version=version,
        status="draft",
        figures=figures_mod.compute(ctx.session, area, day, ctx.now),
        rule_edition=rules.EDITION,
        supersedes_id=supersedes.id if supersedes else None,
        created_by_label=ctx.actor.label,
        generated_at=ctx.now,
        updated_at=ctx.now,
    )
    _fill_text(item)
    ctx.session.add(item)
    ctx.session.flush()
    return item


def regenerate(ctx: Ctx, bulletin_id: int) -> Bulletin:
    """Recompute a draft's figures and text from the data (the office's edits are replaced)."""
    ctx.actor.require(WRITE)
    item = access_bulletin(ctx, bulletin_id, for_update=True)
    _require_editable(item)
    area = ctx.session.scalar(select(Jurisdiction).where(Jurisdiction.path == item.jurisdiction_path))
    if area is None:
        raise NotFound("辖区", "jurisdiction")
    before = item.figures
    item.figures = figures_mod.compute(ctx.session, area, item.day, ctx.now)
    _fill_text(item)
    item.status, item.approved_by_label, item.approved_at = "draft", "", None
    item.updated_at, item.generated_at = ctx.now, ctx.now
    _audit(ctx, item, "regenerate", before=before, after=item.figures)
    return item


def _require_editable(item: Bulletin) -> None:
    if item.status not in rules.EDITABLE:
        raise Conflict(
            "已发布的通报不可修改，更正请生成新版本",
            "a published bulletin cannot change; publish a correction",
        )


@dataclass(frozen=True)
class TextInput:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


def edit(ctx: Ctx, bulletin_id: int, text: TextInput) -> Bulletin:
    """The office's wording; an approved draft goes back to draft (approval is of a given text)."""
    ctx.actor.require(WRITE)
    item = access_bulletin(ctx, bulletin_id, for_update=True)
    _require_editable(item)
    fields = {k: str(v).strip() for k, v in vars(text).items()}
    problems = rules.text_problems(**fields)
    if problems:
        raise Invalid(problems)
    before = {k: getattr(item, k) for k in fields}
    changed = {k: v for k, v in fields.items() if before[k] != v}
    if not changed:
        return item
    for key, value in changed.items():
        setattr(item, key, value)
    was = item.status
    item.status, item.approved_by_label, item.approved_at = "draft", "", None
    item.updated_at = ctx.now
    _audit(ctx, item, "edit", before={k: before[k] for k in changed}, after=changed, status_before=was)
    return item


def approve(ctx: Ctx, bulletin_id: int) -> Bulletin:
    ctx.actor.require(APPROVE)
    item = access_bulletin(ctx, bulletin_id, for_update=True)
    if item.status != "draft":
        raise Conflict("只有草稿可以审核", "only a draft can be approved")
    item.status, item.approved_by_label, item.approved_at = "approved", ctx.actor.label, ctx.now
    item.updated_at = ctx.now
    _audit(ctx, item, "approve")
    return item


def publish(ctx: Ctx, bulletin_id: int) -> Bulletin:
    """An approved bulletin goes to the public page; the version it corrects is marked superseded."""
    ctx.actor.require(APPROVE)
    item = access_bulletin(ctx, bulletin_id, for_update=True)
    if item.status != "approved":
        raise Conflict("通报须先审核再发布", "a bulletin is approved before it is published")
    item.status, item.published_by_label, item.published_at = "published", ctx.actor.label, ctx.now
    item.updated_at = ctx.now
    if item.supersedes_id is not None:
        old = ctx.session.get(Bulletin, item.supersedes_id, with_for_update=True)
        if old is not None and old.status == "published":
            old.status, old.superseded_by_id = "superseded", item.id
            _audit(ctx, old, "supersede", by=item.id)
    _audit(ctx, item, "publish", version=item.version, supersedes=item.supersedes_id)
    return item


def revise(ctx: Ctx, bulletin_id: int) -> Bulletin:
    """A correction of a published bulletin: a new draft version, figures recomputed, text copied."""
    ctx.actor.require(WRITE)
    item = access_bulletin(ctx, bulletin_id, for_update=True)
    if item.status != "published":
        raise Conflict("只有已发布的现行通报可以更正", "only the published current version can be corrected")
    latest = _latest(ctx, item.jurisdiction_path, item.day)
    if latest is not None and latest.id != item.id:
        raise Conflict(f"更正版本 #{latest.id} 已存在", f"correction #{latest.id} already exists")
    area = ctx.session.scalar(select(Jurisdiction).where(Jurisdiction.path == item.jurisdiction_path))
    if area is None:
        raise NotFound("辖区", "jurisdiction")
    new = _new(ctx, area, item.day, item.version + 1, item)
    _audit(ctx, new, "revise", supersedes=item.id, version=new.version)
    return new


def versions(ctx: Ctx, item: Bulletin) -> list[Bulletin]:
    query = select(Bulletin).where(
        Bulletin.jurisdiction_path == item.jurisdiction_path, Bulletin.day == item.day
    )
    return list(ctx.session.scalars(query.order_by(Bulletin.version)))


def page(ctx: Ctx, before: int | None, limit: int = 30) -> list[Bulletin]:
    """The actor's area's bulletins, newest first (keyset on (jurisdiction_path, id))."""
    ctx.actor.require(READ)
    area = home_area(ctx)
    query = select(Bulletin).where(Bulletin.jurisdiction_path == area.path)
    if before is not None:
        query = query.where(Bulletin.id < before)
    return list(ctx.session.scalars(query.order_by(Bulletin.id.desc()).limit(limit + 1)))


def public_page(ctx: Ctx, before: int | None, limit: int = 20) -> list[Bulletin]:
    """Published (and superseded) bulletins for the public page, newest first; no sign-in needed."""
    query = select(Bulletin).where(Bulletin.status.in_(("published", "superseded")))
    if before is not None:
        query = query.where(Bulletin.id < before)
    return list(ctx.session.scalars(query.order_by(Bulletin.id.desc()).limit(limit + 1)))


def public_bulletin(ctx: Ctx, bulletin_id: int) -> Bulletin:
    item = ctx.session.get(Bulletin, bulletin_id)
    if item is None or item.status not in ("published", "superseded"):
        raise NotFound("通报", "bulletin")
    return item


# Policy pages ------------------------------------------------------------------------------------------


def save_policy(ctx: Ctx, policy_id: int | None, text: TextInput, published: bool) -> PolicyPage:
    """Create (policy_id None) or edit a policy explanation page of the actor's area."""
    ctx.actor.require(WRITE)
    fields = {k: str(v).strip() for k, v in vars(text).items()}
    fields = {"title_zh": fields["title_zh"], "title_en": fields["title_en"]} | {
        "body_zh": fields["body_zh"],
        "body_en": fields["body_en"],
    }
    problems = rules.text_problems(**fields)
    if problems:
        raise Invalid(problems)
    if policy_id is None:
        area = home_area(ctx)
        page_row = PolicyPage(
            jurisdiction_path=area.path,
            published=published,
            updated_by_label=ctx.actor.label,
            created_at=ctx.now,
            updated_at=ctx.now,
            **fields,
        )
        ctx.session.add(page_row)
        ctx.session.flush()
        audit.record(
            ctx,
            "information.policy.create",
            "information_policy",
            page_row.id,
            area.path,
            published=published,
        )
        return page_row
    page_row = access_scoped(ctx.session, ctx.actor, PolicyPage, policy_id, "政策解读", "policy page", True)
    before = {k: getattr(page_row, k) for k in fields} | {"published": page_row.published}
    after = fields | {"published": published}
    for key, value in after.items():
        setattr(page_row, key, value)
    page_row.updated_by_label, page_row.updated_at = ctx.actor.label, ctx.now
    changed = [k for k in after if before[k] != after[k]]
    audit.record(
        ctx,
        "information.policy.edit",
        "information_policy",
        page_row.id,
        page_row.jurisdiction_path,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return page_row


def policies(ctx: Ctx, published_only: bool) -> list[PolicyPage]:
    query = select(PolicyPage)
    if published_only:
        query = query.where(PolicyPage.published.is_(True))
    else:
        ctx.actor.require(READ)
        area = home_area(ctx)
        query = query.where(PolicyPage.jurisdiction_path == area.path)
    return list(ctx.session.scalars(query.order_by(PolicyPage.id).limit(200)))
