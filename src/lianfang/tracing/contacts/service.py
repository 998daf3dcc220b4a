"""Contact use cases: store the proposals of a case (and their secondary contacts), decide them one by
one or in bulk (confirm, change the category, dismiss), add people by hand, and send every confirmed
contact to where the person is: their community (same district), a cross-district assistance request
(跨区协查: an assignment of the other district with a deadline, reminders and escalation), or a letter to
another city. Audited; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.access import Actor
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, mask_name, normalise_id_number
from lianfang.tracing import repository, rules
from lianfang.tracing.access import WRITE, access_case, access_contacts
from lianfang.tracing.cases.service import case_window
from lianfang.tracing.contacts import views as proposing
from lianfang.tracing.events import ContactConfirmed
from lianfang.tracing.models import TracingCase, TracingContact, TracingRequest
from lianfang.tracing.trips import service as outside_contacts

BULK_MAX = 1000
ACTIONS = ("confirm", "dismiss", "close", "general", "secondary")  # the last three change the category


@dataclass(frozen=True)
class ProposeResult:
    proposed: int
    updated: int
    secondary: int


def _audit(ctx: Ctx, case: TracingCase, verb: str, **detail: Any) -> None:
    audit.record(ctx, f"tracing.contact.{verb}", "tracing_case", case.id, case.jurisdiction_path, **detail)


def _store(
    ctx: Ctx, case: TracingCase, found: dict[int, proposing.Proposal], existing: dict[int, TracingContact]
) -> tuple[int, int]:
    """First-degree proposals: new people inserted in bulk, undecided rows raised to a stronger
    category; `existing` is refreshed with the new rows (their ids name the secondary contacts' source)."""
    new: dict[int, tuple[proposing.Proposal, int | None]] = {}
    updated = 0
    for person_id, p in found.items():
        row = existing.get(person_id)
        if row is None:
            new[person_id] = (p, None)
        elif row.status == "proposed" and (
            row.degree > 1 or rules.rank(p.category) > rules.rank(row.proposed_category or "")
        ):
            row.category = row.proposed_category = p.category
            row.reason, row.detail, row.rule, row.degree, row.via_contact_id = (
                p.reason,
                p.detail[:500],
                p.rule,
                1,
                None,
            )
            row.first_contact_at, row.last_contact_at, row.overlap_minutes = p.first_at, p.last_at, p.minutes
            row.venue_id, row.updated_at = p.venue_id, ctx.now
            updated += 1
    made = _insert(ctx, case, new, 1)
    if made:
        stmt = select(TracingContact).where(
            TracingContact.case_id == case.id, TracingContact.person_id.in_(list(new))
        )
        existing.update({c.person_id: c for c in ctx.session.scalars(stmt) if c.person_id is not None})
    return made, updated


def _insert(
    ctx: Ctx, case: TracingCase, batch: dict[int, tuple[proposing.Proposal, int | None]], degree: int
) -> int:
    """New proposals in one bulk insert (no ORM objects: a case can have thousands)."""
    if not batch:
        return 0
    labels = repository.labels_by_ids(ctx.session, batch)
    rows = [
        {
            "case_id": case.id,
            "person_id": person_id,
            "jurisdiction_path": labels[person_id].jurisdiction_path if person_id in labels else None,
            "degree": degree,
            "via_contact_id": via,
            "category": p.category,
            "proposed_category": p.category,
            "status": "proposed",
            "reason": p.reason,
            "detail": p.detail[:500],
            "rule": p.rule,
            "rule_edition": case.rule_edition,
            "venue_id": p.venue_id,
            "first_contact_at": p.first_at,
            "last_contact_at": p.last_at,
            "overlap_minutes": p.minutes,
            "created_at": ctx.now,
            "updated_at": ctx.now,
        }
        for person_id, (p, via) in batch.items()
    ]
    ctx.session.execute(insert(TracingContact), rows)
    return len(rows)


def propose(ctx: Ctx, case_id: int) -> ProposeResult:
    """(Re)compute the case's proposals and store them; decided contacts are never touched. Secondary
    contacts are proposed from every close contact not dismissed (when the rule set judges them)."""
    ctx.actor.require(WRITE)
    case = access_case(ctx.session, ctx.actor, case_id, for_update=True)
    if case.status not in ("pending", "open"):
        raise Conflict(
            "只有调查中的病例可以研判密接", "contacts are proposed only for cases under investigation"
        )
    ruleset = rules.by_edition(case.rule_edition)
    start, end = case_window(ctx, case)
    existing: dict[int, TracingContact] = {
        c.person_id: c
        for c in ctx.session.scalars(select(TracingContact).where(TracingContact.case_id == case.id))
        if c.person_id is not None
    }
    first, mates = proposing.propose_for_case(ctx.session, case, ruleset, start, end)
    made, updated = _store(ctx, case, first, existing)
    made += outside_contacts.store(ctx, case, mates)
    secondary = 0
    if ruleset.secondary:
        close = [
            c
            for c in list(existing.values())
            if c.degree == 1 and c.category == "close" and c.status != "dismissed" and c.person_id is not None
        ]
        batch: dict[int, tuple[proposing.Proposal, int | None]] = {}
        for contact in close:
            assert contact.person_id is not None
            s_start, s_end = rules.secondary_window(
                contact.first_contact_at or start, contact.controlled_at, ctx.now
            )
            found = proposing.propose_secondary(ctx.session, contact.person_id, ruleset, s_start, s_end)
            for person_id, p in found.items():
                if person_id != case.person_id and person_id not in existing and person_id not in batch:
                    batch[person_id] = (p, contact.id)
        secondary = _insert(ctx, case, batch, 2)
    case.proposed_at = ctx.now
    _audit(
        ctx,
        case,
        "propose",
        proposed=made,
        updated=updated,
        secondary=secondary,
        window=[start.isoformat(), end.isoformat()],
        edition=f"{case.rule_edition}/{rules.EDITION}",
    )
    return ProposeResult(made, updated, secondary)


def decide(ctx: Ctx, contact_ids: list[int], action: str, note: str = "") -> list[TracingContact]:
    """Bulk or single: confirm (and send), dismiss, or change the category of the selected contacts."""
    ctx.actor.require(WRITE)
    if action not in ACTIONS:
        raise Invalid([Problem("action", "操作无效", "action: " + " | ".join(ACTIONS))])
    if not contact_ids or len(set(contact_ids)) > BULK_MAX:
        raise Invalid([Problem("ids", f"请选择1至{BULK_MAX}条记录", f"select 1 to {BULK_MAX} contacts")])
    contacts = access_contacts(ctx.session, ctx.actor, contact_ids)
    note = note.strip()[: rules.NOTE_MAX]
    cases = {c.case_id: ctx.session.get(TracingCase, c.case_id) for c in contacts}
    for contact in contacts:
        case = cases[contact.case_id]
        assert case is not None
        if action == "dismiss" and contact.status == "confirmed":
            raise Conflict(
                "已判定并派发的密接不能排除", "a contact already confirmed and sent cannot be dismissed"
            )
    with ctx.gathered() as bulk:  # the modules above re-derive the people once, at the end
        for contact in contacts:
            case = cases[contact.case_id]
            assert case is not None
            before = {"status": contact.status, "category": contact.category}
            if action in ("close", "general", "secondary"):
                contact.category = action
            elif action == "dismiss":
                contact.status = "dismissed"
            elif contact.status != "confirmed":
                contact.status = "confirmed"
                contact.decided_by_user_id, contact.decided_at = ctx.actor.user_id, ctx.now
                dispatch(bulk, case, contact)
            if note:
                contact.note = note
            contact.updated_at = ctx.now
            _audit(
                bulk,
                case,
                action,
                contact_id=contact.id,
                person_id=contact.person_id,
                before=before,
                after={"status": contact.status, "category": contact.category},
                note=note,
            )
    ctx.session.flush()
    return contacts


@dataclass(frozen=True)
class ManualContact:
    category: str = "close"
    person_id: int | None = None
    id_number: str = ""
    outside_name: str = ""
    outside_city: str = ""
    outside_phone: str = ""
    note: str = ""
    first_contact_at: datetime | None = None


def add_contact(ctx: Ctx, case_id: int, data: ManualContact) -> TracingContact:
    """Add a person by hand (registry id, ID number looked up city-wide, or someone in another city);
    the investigator's judgement (RULES §1.2 (9)) confirms and sends the contact at once."""
    ctx.actor.require(WRITE)
    case = access_case(ctx.session, ctx.actor, case_id, for_update=True)
    problems: list[Problem] = []
    if data.category not in rules.CATEGORIES:
        problems.append(Problem("category", "密接类别无效", "category: close | secondary | general"))
    person: Person | None = None
    if data.person_id is not None:
        person = ctx.session.get(Person, data.person_id)
    elif data.id_number.strip():
        number = normalise_id_number(data.id_number)
        person = ctx.session.scalar(
            select(Person).where(Person.id_hash == id_hash(ctx.settings, "resident_id", number))
        )
    outside = not data.person_id and not data.id_number.strip()
    if not outside and person is None:
        problems.append(Problem("id_number", "查无此人（未登记）", "no registered person with this identity"))
    if outside and (not data.outside_name.strip() or not data.outside_city.strip()):
        problems.append(
            Problem(
                "outside_name",
                "外省市人员须填写姓名和所在城市",
                "a person outside the city needs a name and a city",
            )
        )
    if person is not None and person.id == case.person_id:
        problems.append(Problem("person_id", "不能把病例本人列为密接", "the case cannot be its own contact"))
    if problems:
        raise Invalid(problems)
    if person is not None:
        taken = ctx.session.scalar(
            select(TracingContact).where(
                TracingContact.case_id == case.id, TracingContact.person_id == person.id
            )
        )
        if taken is not None:
            raise Conflict("此人已在本病例的密接名单中", "this person is already listed for this case")
    contact = TracingContact(
        case_id=case.id,
        person_id=person.id if person else None,
        outside_name=data.outside_name.strip()[:120],
        outside_city=data.outside_city.strip()[:60],
        outside_phone=data.outside_phone.strip()[:40],
        jurisdiction_path=person.jurisdiction_path if person else None,
        degree=1,
        category=data.category,
        status="confirmed",
        reason="manual",
        detail=data.note.strip()[:500],
        rule=f"{rules.REASONS['manual'][2]} · {case.rule_edition}",
        rule_edition=case.rule_edition,
        first_contact_at=data.first_contact_at,
        manual=True,
        decided_by_user_id=ctx.actor.user_id,
        decided_at=ctx.now,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(contact)
    ctx.session.flush()
    _audit(
        ctx,
        case,
        "add",
        contact_id=contact.id,
        person_id=contact.person_id,
        category=contact.category,
        outside_city=contact.outside_city or None,
    )
    dispatch(ctx, case, contact)
    return contact


def _label(contact: TracingContact, person: Person | None) -> str:
    if person is not None:
        return f"{mask_name(person.name)}（{person.id_masked}）"
    return f"{contact.outside_name}（{contact.outside_city}）"


def dispatch(ctx: Ctx, case: TracingCase, contact: TracingContact) -> TracingRequest:
    """Send a confirmed contact to where the person is, with a deadline to locate and control."""
    routing = rules.route(case.jurisdiction_path, contact.jurisdiction_path)
    deadline = rules.control_deadline(
        ctx.now,
        routing,
        contact.category,
        ctx.settings.tracing_assist_hours,
        ctx.settings.tracing_control_hours,
    )
    person = ctx.session.get(Person, contact.person_id) if contact.person_id else None
    zh_cat = rules.CATEGORIES[contact.category][0]
    first = contact.first_contact_at.isoformat() if contact.first_contact_at else "不详"
    body = (
        f"病例 {case.code} 的{zh_cat}：{_label(contact, person)}\n"
        f"判定依据：{rules.REASONS[contact.reason][0]}；{contact.detail}\n"
        f"规则：{contact.rule}\n首次接触：{first}\n"
        "请立即落位核查、核酸检测并落实管控，办结时注明管控方式和地点。"
    )
    target: Jurisdiction | None = None
    assignment_id = None
    letter = ""
    if routing == "outgoing":
        letter = (
            f"协查函\n{contact.outside_city}疫情防控指挥部：\n"
            + body
            + f"\n请于{deadline.isoformat()}前反馈。\n发函人：{ctx.actor.label}"
        )
    else:
        assert contact.jurisdiction_path is not None
        owner_path = (
            contact.jurisdiction_path
            if routing == "community"
            else rules.district_path(contact.jurisdiction_path)
        )
        target = ctx.session.scalar(select(Jurisdiction).where(Jurisdiction.path == owner_path))
        if target is not None:
            # The request crosses the investigator's scope (another district): issued on the system's
            # behalf, labelled with the investigator; the assignment's own walls apply to its owner.
            issuer = Actor(
                kind="system", label=f"{ctx.actor.label}（流调 {case.code}）", user_id=ctx.actor.user_id
            )
            item = issue_assignment(
                ctx.as_actor(issuer),
                title=f"{rules.ROUTES[routing][0]}：{zh_cat} {_label(contact, person)}",
                body=body,
                owner_jurisdiction_id=target.id,
                deadline=deadline,
                subject_type="tracing_contact",
                subject_id=str(contact.id),
                kind=f"tracing.{routing}",
            )
            assignment_id = item.id
    request = TracingRequest(
        case_id=case.id,
        contact_id=contact.id,
        kind=routing,
        target_jurisdiction_id=target.id if target else None,
        target_path=target.path if target else None,
        target_city=contact.outside_city,
        assignment_id=assignment_id,
        deadline=deadline,
        letter=letter,
        sent_by_user_id=ctx.actor.user_id,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    _audit(
        ctx,
        case,
        "dispatch",
        contact_id=contact.id,
        routing=routing,
        assignment_id=assignment_id,
        deadline=deadline.isoformat(),
    )
    ctx.publish(
        ContactConfirmed(
            contact.id,
            case.id,
            contact.person_id,
            contact.category,
            routing,
            contact.first_contact_at,
            contact.jurisdiction_path,
        )
    )
    return request


def mark_controlled(ctx: Ctx, contact_id: int) -> None:
    """The community or district reported the contact located and controlled (its assignment is done):
    the end of its secondary-contact window."""
    contact = ctx.session.get(TracingContact, contact_id)
    if contact is None or contact.controlled_at is not None:
        return
    contact.controlled_at = ctx.now
    case = ctx.session.get(TracingCase, contact.case_id)
    if case is not None:
        _audit(ctx, case, "controlled", contact_id=contact.id)
