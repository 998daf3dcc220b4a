"""Hotline tickets and public questions (R25): log a ticket (the caller's phone sealed, hashed and
masked like people's phones), classify it (keyword suggestion, the operator's choice wins), route it to
the responsible jurisdiction as an assignment with the class's reply deadline, and keep the per-day
theme counts (`ThemeCount`) in step with every ticket and reclassification. The only writer of the
ticket tables; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lianfang.assignments.models import Assignment
from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import SYSTEM, access_scoped
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.core.phone import mask_phone, normalise_phone, phone_problem
from lianfang.information import rules
from lianfang.information.models import ThemeCount, Ticket
from lianfang.jurisdictions.access import access_jurisdiction, subtree_filter
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.rules import phone_hash

READ, HOTLINE = "information.read", "information.hotline"
ASSIGNMENT_KIND = "information.ticket"


@dataclass(frozen=True)
class TicketInput:
    channel: str
    text: str
    jurisdiction_id: int | None
    caller_name: str = ""
    caller_phone: str = ""
    ticket_class: str | None = None  # None: take the suggestion
    theme: str | None = None


def _bump(session: Session, day: date, district: str, ticket_class: str, theme: str, by: int) -> None:
    """Add `by` to one theme count, creating the row when it is the first ticket of its key."""
    key = (
        ThemeCount.day == day,
        ThemeCount.district_path == district,
        ThemeCount.ticket_class == ticket_class,
        ThemeCount.theme == theme,
    )
    change = update(ThemeCount).where(*key).values(count=ThemeCount.count + by)
    change = change.execution_options(synchronize_session=False)
    if getattr(session.execute(change), "rowcount", 0):
        return
    try:
        with session.begin_nested():
            session.add(
                ThemeCount(day=day, district_path=district, ticket_class=ticket_class, theme=theme, count=by)
            )
    except IntegrityError:  # another request created the row first: add to it
        session.execute(change)


def access_ticket(ctx: Ctx, ticket_id: int, for_update: bool = False) -> Ticket:
    if not (ctx.actor.can(READ) or ctx.actor.can(HOTLINE)):
        ctx.actor.require(READ)
    return access_scoped(ctx.session, ctx.actor, Ticket, ticket_id, "工单", "ticket", for_update)


def log_ticket(ctx: Ctx, data: TicketInput) -> Ticket:
    """Log, classify and route one ticket; all or nothing."""
    ctx.actor.require(HOTLINE)
    text = data.text.strip()
    problems = rules.ticket_problems(data.channel, text, data.ticket_class or None, data.theme or None)
    phone = normalise_phone(data.caller_phone) if data.caller_phone.strip() else ""
    if phone:
        bad = phone_problem(phone, "caller_phone")
        if bad is not None:
            problems.append(bad)
    owner = None
    if data.jurisdiction_id is None:
        problems.append(Problem("jurisdiction_id", "请选择责任辖区", "choose the responsible jurisdiction"))
    else:
        try:
            owner = access_jurisdiction(ctx.session, ctx.actor, data.jurisdiction_id)
        except NotFound:  # reported on the form like any other field
            problems.append(
                Problem(
                    "jurisdiction_id", "责任辖区不存在或不在管辖范围内", "no such jurisdiction in your scope"
                )
            )
    if problems or owner is None:
        raise Invalid(problems)
    suggested = rules.suggest_class(text)
    ticket_class = data.ticket_class or suggested
    theme = data.theme or rules.suggest_theme(text)
    keys = vault(ctx.settings)
    ticket = Ticket(
        channel=data.channel,
        caller_name=data.caller_name.strip()[:120],
        caller_phone_hash=phone_hash(ctx.settings, phone) if phone else None,
        caller_phone_sealed=keys.seal(phone) if phone else None,
        caller_phone_masked=mask_phone(phone) if phone else None,
        text=text,
        jurisdiction_id=owner.id,
        jurisdiction_path=owner.path,
        district_path=rules.district_path(owner.path),
        suggested_class=suggested,
        ticket_class=ticket_class,
        theme=theme,
        healthcode_popup=rules.is_popup(text, theme),
        received_on=local_date(ctx.now),
        rule_edition=rules.EDITION,
        logged_by_label=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(ticket)
    ctx.session.flush()
    item = issue_assignment(
        ctx.as_actor(SYSTEM),
        title=f"12345工单 #{ticket.id}：{rules.CLASSES[ticket_class][0]}·{rules.THEMES[theme][0]}"[:200],
        body=f"{text}\n\n{rules.CHANNELS[data.channel][0]} / {rules.CHANNELS[data.channel][1]}: "
        f"{rules.CLASSES[ticket_class][1]}, {rules.THEMES[theme][1]}. "
        "Reply to the caller and record the outcome.",
        owner_jurisdiction_id=owner.id,
        deadline=rules.ticket_deadline(ticket_class, ctx.now),
        subject_type="information_ticket",
        subject_id=str(ticket.id),
        kind=ASSIGNMENT_KIND,
    )
    ticket.assignment_id = item.id
    _bump(ctx.session, ticket.received_on, ticket.district_path, ticket_class, theme, 1)
    audit.record(
        ctx,
        "information.ticket.log",
        "information_ticket",
        ticket.id,
        ticket.jurisdiction_path,
        channel=ticket.channel,
        suggested=suggested,
        ticket_class=ticket_class,
        theme=theme,
        assignment_id=item.id,
        phone=ticket.caller_phone_masked,
    )
    return ticket


def classify(ctx: Ctx, ticket_id: int, ticket_class: str, theme: str) -> Ticket:
    """The operator's (re)classification; the theme counts move with it."""
    ctx.actor.require(HOTLINE)
    ticket = access_ticket(ctx, ticket_id, for_update=True)
    problems = rules.ticket_problems(ticket.channel, ticket.text, ticket_class, theme)
    if problems:
        raise Invalid(problems)
    if (ticket.ticket_class, ticket.theme) == (ticket_class, theme):
        return ticket
    before = {"ticket_class": ticket.ticket_class, "theme": ticket.theme}
    _bump(ctx.session, ticket.received_on, ticket.district_path, ticket.ticket_class, ticket.theme, -1)
    _bump(ctx.session, ticket.received_on, ticket.district_path, ticket_class, theme, 1)
    ticket.ticket_class, ticket.theme = ticket_class, theme
    ticket.healthcode_popup = rules.is_popup(ticket.text, theme)
    ticket.updated_at = ctx.now
    audit.record(
        ctx,
        "information.ticket.classify",
        "information_ticket",
        ticket.id,
        ticket.jurisdiction_path,
        before=before,
        after={"ticket_class": ticket_class, "theme": theme},
    )
    return ticket


def page(
    ctx: Ctx, ticket_class: str | None, after: int | None, limit: int = 50
) -> list[tuple[Ticket, Assignment | None]]:
    """Tickets in scope, oldest first from `after` (keyset on (jurisdiction_path[, class], id))."""
    if not (ctx.actor.can(READ) or ctx.actor.can(HOTLINE)):
        ctx.actor.require(READ)
    query = (
        select(Ticket, Assignment)
        .outerjoin(Assignment, Assignment.id == Ticket.assignment_id)
        .where(subtree_filter(ctx.actor, Ticket.jurisdiction_path))
    )
    if ticket_class:
        query = query.where(Ticket.ticket_class == ticket_class)
    if after is not None:
        query = query.where(Ticket.id > after)
    return [(t, a) for t, a in ctx.session.execute(query.order_by(Ticket.id).limit(limit + 1))]


@dataclass(frozen=True)
class ThemeLine:
    day: date
    district_path: str
    ticket_class: str
    theme: str
    count: int


def theme_counts(ctx: Ctx, since: date, until: date) -> list[ThemeLine]:
    """The pre-aggregated counts in the actor's scope (their districts, or the whole city)."""
    ctx.actor.require(READ)
    query = select(ThemeCount).where(
        subtree_filter(ctx.actor, ThemeCount.district_path),
        ThemeCount.day >= since,
        ThemeCount.day <= until,
        ThemeCount.count > 0,
    )
    rows = ctx.session.scalars(
        query.order_by(ThemeCount.day, ThemeCount.district_path, ThemeCount.id).limit(5000)
    )
    return [ThemeLine(r.day, r.district_path, r.ticket_class, r.theme, r.count) for r in rows]


def day_themes(ctx: Ctx, day: date, area_path: str) -> list[tuple[str, int]]:
    """A day's themes over an area, most frequent first (for the briefing outline)."""
    totals: dict[str, int] = {}
    query = select(ThemeCount.theme, ThemeCount.count).where(
        in_subtree(ThemeCount.district_path, rules.district_path(area_path)), ThemeCount.day == day
    )
    for theme, n in ctx.session.execute(query):
        totals[str(theme)] = totals.get(str(theme), 0) + int(n)
    return sorted(((t, n) for t, n in totals.items() if n > 0), key=lambda x: (-x[1], x[0]))
