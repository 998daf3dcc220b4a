"""Use cases over venue codes: declare oneself registrar, create, relabel, suspend, reactivate, revoke;
react to a venue closing, being sealed or reopening; suspend the codes of a registrar whose own status
turned abnormal (RULES.md §4.4). Writes audit rows; flushes, never commits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from lianfang.checkins import rules
from lianfang.checkins.access import access_code, is_operator, may_manage
from lianfang.checkins.models import Registrar, VenueCode
from lianfang.checkins.scans.ports import provider_for
from lianfang.checkins.scans.views import forget_codes
from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Forbidden, Invalid, Problem
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, id_number_problem, normalise_id_number
from lianfang.venues.access import OPERATE, access_venue
from lianfang.venues.events import VenueStatusChanged
from lianfang.venues.models import Venue

VENUE, REGISTRAR, MANUAL = "venue", "registrar", "manual"


def declare_registrar(ctx: Ctx, id_number: str) -> Registrar:
    """An operator account says which registered person it is (by ID number), once."""
    ctx.actor.require(OPERATE)
    assert ctx.actor.user_id is not None
    problem = id_number_problem(id_number, local_date(ctx.now))
    if problem is not None:
        raise Invalid([problem])
    digest = id_hash(ctx.settings, "resident_id", normalise_id_number(id_number))
    person = ctx.session.scalar(select(Person).where(Person.id_hash == digest))
    if person is None:
        raise Invalid(
            [
                Problem(
                    "id_number",
                    "查无此人：请先到社区登记",
                    "no registered person with this ID number: ask your community to register you",
                )
            ]
        )
    registrar = ctx.session.get(Registrar, ctx.actor.user_id)
    before = registrar.person_id if registrar else None
    if registrar is None:
        registrar = Registrar(user_id=ctx.actor.user_id, person_id=person.id, declared_at=ctx.now)
        ctx.session.add(registrar)
    else:
        registrar.person_id, registrar.declared_at = person.id, ctx.now
    ctx.session.flush()
    audit.record(ctx, "registrar.declare", "user", ctx.actor.user_id, None, before=before, after=person.id)
    return registrar


def registrar_of(ctx: Ctx) -> Registrar | None:
    return None if ctx.actor.user_id is None else ctx.session.get(Registrar, ctx.actor.user_id)


def _snapshot(code: VenueCode) -> dict[str, object]:
    return {"label": code.label, "status": code.status, "reason": code.suspended_reason}


def create_code(ctx: Ctx, venue_id: int, label: str, expires_at: datetime | None = None) -> VenueCode:
    """A new code for a venue the actor operates, while the actor's own status allows it."""
    venue = access_venue(ctx.session, ctx.actor, venue_id)
    if not is_operator(ctx.actor, venue):
        raise Forbidden("只有场所登记员可以申请场所码", "only the venue's registrar may create its codes")
    problems: list[Problem] = []
    bad_label = rules.label_problem(label)
    if bad_label is not None:
        problems.append(bad_label)
    if venue.status != "open":
        problems.append(Problem("venue", "场所未开放，不能申请场所码", "the venue is not open"))
    if expires_at is not None and expires_at <= ctx.now:
        problems.append(Problem("expires_at", "到期时间应晚于当前时间", "expires_at must be in the future"))
    registrar = registrar_of(ctx)
    if registrar is None:
        problems.append(
            Problem("registrar", "请先登记本人身份（登记员）", "declare who you are (registrar) first")
        )
    else:
        status = provider_for(ctx.bus).status_for_person(ctx.session, registrar.person_id, ctx.now)
        if not rules.may_register(status):
            problems.append(
                Problem(
                    "registrar",
                    f"登记员本人状态为“{status.label_zh}”，不能申请场所码",
                    f"the registrar's own status is {status.label_en!r}: no codes",
                )
            )
    if problems:
        raise Invalid(problems)
    assert registrar is not None and ctx.actor.user_id is not None
    code = VenueCode(
        venue_id=venue.id,
        label=label.strip(),
        token=secrets.token_urlsafe(24),
        status="active",
        suspended_reason="",
        suspended_note="",
        registrar_user_id=ctx.actor.user_id,
        registrar_person_id=registrar.person_id,
        expires_at=expires_at,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(code)
    ctx.session.flush()
    audit.record(ctx, "venue_code.create", "venue_code", code.id, venue.jurisdiction_path, venue_id=venue.id)
    return code


def _managed(ctx: Ctx, code_id: int) -> tuple[VenueCode, Venue]:
    code, venue = access_code(ctx.session, ctx.actor, code_id)
    if not may_manage(ctx.actor, venue):
        raise Forbidden()
    return code, venue


def relabel(ctx: Ctx, code_id: int, label: str) -> VenueCode:
    code, venue = _managed(ctx, code_id)
    problem = rules.label_problem(label)
    if problem is not None:
        raise Invalid([problem])
    before = _snapshot(code)
    code.label, code.updated_at = label.strip(), ctx.now
    audit.record(
        ctx,
        "venue_code.update",
        "venue_code",
        code.id,
        venue.jurisdiction_path,
        before=before,
        after=_snapshot(code),
    )
    return code


def _suspend(ctx: Ctx, code: VenueCode, reason: str, note: str, at: datetime) -> None:
    code.status, code.suspended_reason, code.suspended_note = "suspended", reason, note[:255]
    code.suspended_at, code.updated_at = at, ctx.now


def _activate(ctx: Ctx, code: VenueCode) -> None:
    code.status, code.suspended_reason, code.suspended_note = "active", "", ""
    code.suspended_at, code.updated_at = None, ctx.now


def suspend(ctx: Ctx, code_id: int, note: str = "") -> VenueCode:
    code, venue = _managed(ctx, code_id)
    if code.status != "active":
        raise Conflict("该场所码不是启用状态", "the code is not active")
    before = _snapshot(code)
    _suspend(ctx, code, MANUAL, note.strip(), ctx.now)
    audit.record(
        ctx,
        "venue_code.suspend",
        "venue_code",
        code.id,
        venue.jurisdiction_path,
        before=before,
        after=_snapshot(code),
    )
    forget_codes(ctx.bus)
    return code


def reactivate(ctx: Ctx, code_id: int) -> VenueCode:
    """Undo a manual suspension; a code suspended because the venue closed follows the venue, and one
    suspended because of its registrar follows the registrar's status."""
    code, venue = _managed(ctx, code_id)
    if code.status != "suspended":
        raise Conflict("该场所码不是停用状态", "the code is not suspended")
    if venue.status != "open":
        raise Conflict("场所未开放，不能启用场所码", "the venue is not open")
    if code.suspended_reason == REGISTRAR:
        status = provider_for(ctx.bus).status_for_person(ctx.session, code.registrar_person_id, ctx.now)
        if not rules.may_register(status):
            raise Conflict("登记员本人状态异常", "the registrar's own status is abnormal")
    before = _snapshot(code)
    _activate(ctx, code)
    audit.record(
        ctx,
        "venue_code.reactivate",
        "venue_code",
        code.id,
        venue.jurisdiction_path,
        before=before,
        after=_snapshot(code),
    )
    forget_codes(ctx.bus)
    return code


def revoke(ctx: Ctx, code_id: int) -> VenueCode:
    code, venue = _managed(ctx, code_id)
    if code.status == "revoked":
        raise Conflict("该场所码已作废", "the code is already revoked")
    before = _snapshot(code)
    code.status, code.updated_at = "revoked", ctx.now
    audit.record(
        ctx,
        "venue_code.revoke",
        "venue_code",
        code.id,
        venue.jurisdiction_path,
        before=before,
        after=_snapshot(code),
    )
    forget_codes(ctx.bus)
    return code


def codes_of(ctx: Ctx, venue_id: int) -> Sequence[VenueCode]:
    return list(
        ctx.session.scalars(select(VenueCode).where(VenueCode.venue_id == venue_id).order_by(VenueCode.id))
    )


def on_venue_status_changed(ctx: Ctx, event: VenueStatusChanged) -> None:
    """Closed or sealed: every active code is suspended from that moment. Reopened: the codes that the
    closing suspended are active again (manual and registrar suspensions stay)."""
    codes = codes_of(ctx, event.venue_id)
    changed: list[int] = []
    if event.new_status in {"closed", "sealed"}:
        for code in codes:
            if code.status == "active":
                _suspend(ctx, code, VENUE, f"{event.new_status}: {event.reason}", event.at)
                changed.append(code.id)
    elif event.new_status == "open":
        for code in codes:
            if code.status == "suspended" and code.suspended_reason == VENUE:
                _activate(ctx, code)
                changed.append(code.id)
    ctx.session.flush()
    forget_codes(ctx.bus)
    if changed:
        verb = "venue_code.reactivate" if event.new_status == "open" else "venue_code.suspend"
        audit.record(
            ctx, verb, "venue", event.venue_id, event.jurisdiction_path, codes=changed, cause=event.new_status
        )


def check_registrars(ctx: Ctx) -> int:
    """Periodic: suspend the codes of registrars whose status is abnormal, restore those who recovered.
    With the neutral provider nobody is abnormal, so nothing changes."""
    provider = provider_for(ctx.bus)
    if not provider.needs_session and not provider.status_for_person(None, 0, ctx.now).known:
        return 0
    people = ctx.session.scalars(
        select(VenueCode.registrar_person_id).where(VenueCode.status.in_(["active", "suspended"])).distinct()
    )
    changed = 0
    for person_id in list(people):
        status = provider.status_for_person(ctx.session, person_id, ctx.now)
        changed += set_registrar_state(ctx, person_id, rules.may_register(status))
    return changed


def set_registrar_state(ctx: Ctx, person_id: int, allowed: bool) -> int:
    """Suspend (or restore) every code held by a registrar; the health-code module may call this when a
    status changes. Returns how many codes changed."""
    codes = ctx.session.scalars(select(VenueCode).where(VenueCode.registrar_person_id == person_id))
    changed = 0
    for code in codes:
        if not allowed and code.status == "active":
            _suspend(ctx, code, REGISTRAR, "registrar status abnormal", ctx.now)
        elif allowed and code.status == "suspended" and code.suspended_reason == REGISTRAR:
            venue = ctx.session.get(Venue, code.venue_id)
            if venue is None or venue.status != "open":
                continue
            _activate(ctx, code)
        else:
            continue
        changed += 1
        audit.record(
            ctx,
            "venue_code.suspend" if not allowed else "venue_code.reactivate",
            "venue_code",
            code.id,
            None,
            cause="registrar",
        )
    if changed:
        ctx.session.flush()
        forget_codes(ctx.bus)
    return changed
