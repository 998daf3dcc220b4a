"""When a case is confirmed (R20): propose at once sealing the residence building (every household of the
case's `people.Building`; the case's household alone when no building is registered), closing
the workplace (units) and the venues of the case's activity (its scans in the window), with a test order
for everyone in range. The district confirms with one action; a proposal not acted on is an assignment of
the district that reminds and escalates by its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lianfang.assignments.service import issue_assignment, transition
from lianfang.checkins.models import Scan
from lianfang.control import rules
from lianfang.control.access import DECIDE, access_proposal
from lianfang.control.models import ControlProposal
from lianfang.control.service import today
from lianfang.control.zones.service import ZoneInput, create_zone
from lianfang.core import audit
from lianfang.core.access import SYSTEM, Actor
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.households import service as buildings
from lianfang.people.models import Building, Household, Person
from lianfang.tracing.models import TracingCase
from lianfang.tracing.rules import district_path
from lianfang.units.models import Unit, UnitMembership
from lianfang.venues import service as venues_service
from lianfang.venues.models import Venue

PROPOSAL_HOURS = 2  # the district decides within 2 hours (R20 "at once"; derived default)
_CAP = 5000


def _window(case: TracingCase, now: datetime) -> tuple[datetime, datetime]:
    anchor = case.onset_at or case.sampled_at or case.reported_at
    return anchor - timedelta(days=case.lookback_days), case.isolated_at or now


def propose_for_case(ctx: Ctx, case_id: int) -> ControlProposal | None:
    """Build the proposal of a confirmed case (idempotent: one per case)."""
    existing = ctx.session.scalar(select(ControlProposal).where(ControlProposal.case_id == case_id))
    case = ctx.session.get(TracingCase, case_id)
    if existing is not None or case is None:
        return existing
    person = ctx.session.get(Person, case.person_id)
    if person is None:
        return None
    start, end = _window(case, ctx.now)
    items: list[dict[str, object]] = []
    home = ctx.session.get(Household, person.household_id) if person.household_id is not None else None
    building = ctx.session.get(Building, home.building_id) if home and home.building_id else None
    if building is not None:  # the residence building: every household in it
        label = building.address or building.code
        people = buildings.residents_of(ctx.session, building.id)[:_CAP]
        items.append(
            {"type": "building", "id": building.id, "label": label, "action": "seal", "people": people}
        )
    elif home is not None:  # no building registered: the household stands in for it
        people = list(ctx.session.scalars(select(Person.id).where(Person.household_id == home.id)))
        label = home.address or home.code
        items.append({"type": "household", "id": home.id, "label": label, "action": "seal", "people": people})
    memberships = ctx.session.execute(
        select(Unit.id, Unit.name)
        .join(UnitMembership, UnitMembership.unit_id == Unit.id)
        .where(UnitMembership.person_id == person.id, Unit.active.is_(True))
    ).all()
    for unit_id, name in memberships:
        staff = ctx.session.scalars(
            select(UnitMembership.person_id).where(UnitMembership.unit_id == unit_id).limit(_CAP)
        )
        items.append(
            {"type": "unit", "id": unit_id, "label": name, "action": "close", "people": sorted(set(staff))}
        )
    venue_ids = sorted(
        set(
            ctx.session.scalars(
                select(Scan.venue_id).where(
                    Scan.person_id == person.id, Scan.scanned_at >= start, Scan.scanned_at <= end
                )
            )
        )
    )
    for venue in ctx.session.scalars(select(Venue).where(Venue.id.in_(venue_ids)).order_by(Venue.id)):
        seen = ctx.session.scalars(
            select(Scan.person_id)
            .where(
                Scan.venue_id == venue.id,
                Scan.scanned_at >= start,
                Scan.scanned_at <= end,
                Scan.person_id.is_not(None),
            )
            .limit(_CAP)
        )
        items.append(
            {
                "type": "venue",
                "id": venue.id,
                "label": venue.name,
                "action": "close",
                "people": sorted({p for p in seen if p}),
            }
        )
    tested = sorted({int(p) for item in items for p in item["people"]} - {person.id})  # type: ignore[attr-defined]
    edition = ctx.settings.control_edition or rules.edition_on(today(ctx))
    proposal = ControlProposal(
        case_id=case.id,
        person_id=person.id,
        jurisdiction_path=case.jurisdiction_path,
        edition=edition,
        items=items,
        test_person_ids=tested,
        window_from=start,
        window_to=end,
        created_at=ctx.now,
    )
    ctx.session.add(proposal)
    ctx.session.flush()
    district = ctx.session.scalar(
        select(Jurisdiction).where(Jurisdiction.path == district_path(case.jurisdiction_path))
    )
    if district is not None:
        item = issue_assignment(
            ctx.as_actor(Actor(kind="system", label="管控建议 control proposal")),
            title=f"确认封控建议：病例 {case.code}（{len(items)}处，{len(tested)}人检测）",
            body=f"请立即确认病例 {case.code} 的封闭/封控建议：/control/proposals/{proposal.id}",
            owner_jurisdiction_id=district.id,
            deadline=ctx.now + timedelta(hours=PROPOSAL_HOURS),
            subject_type="control_proposal",
            subject_id=str(proposal.id),
            kind="control.proposal",
        )
        proposal.assignment_id = item.id
    audit.record(
        ctx,
        "control.proposal.create",
        "control_proposal",
        proposal.id,
        proposal.jurisdiction_path,
        case_id=case.id,
        places=len(items),
        tested=len(tested),
    )
    return proposal


def confirm(ctx: Ctx, proposal_id: int) -> ControlProposal:
    """One action: seal the residence (zone), close the workplace (zone) and the venues (their scan codes
    are suspended by the check-in module), and order a test of everyone in range per community."""
    ctx.actor.require(DECIDE)
    proposal = access_proposal(ctx.session, ctx.actor, proposal_id)
    if proposal.status != "proposed":
        raise Invalid([Problem("status", "该建议已处理", "the proposal was already decided")])
    scheme = rules.zone_scheme(proposal.edition)
    case = ctx.session.get(TracingCase, proposal.case_id)
    code = case.code if case else str(proposal.case_id)
    acting = ctx.as_actor(
        Actor(kind="system", label=f"{ctx.actor.label}（确认封控 {code}）", user_id=ctx.actor.user_id)
    )
    for item in proposal.items:
        kind, pid, label = str(item["type"]), int(str(item["id"])), str(item["label"])
        if kind == "venue":
            venue = ctx.session.get(Venue, pid)
            if venue is not None and venue.status == "open":
                venues_service.change_status(acting, pid, "closed", f"病例 {code} 活动场所 case venue")
            continue
        community_id = _community_of(ctx, kind, pid)
        if community_id is None:
            continue
        home = kind in ("household", "building")
        level = rules.residence_level(scheme) if home else rules.workplace_level(scheme)
        create_zone(
            acting,
            ZoneInput(
                f"{label or kind} · {code}",
                level,
                "building",
                community_id,
                edition=proposal.edition,
                places=[(kind, pid)],
            ),
            case_id=proposal.case_id,
            proposal_id=proposal.id,
        )
    _order_tests(acting, proposal, code)
    proposal.status, proposal.decided_by_user_id, proposal.decided_at = (
        "confirmed",
        ctx.actor.user_id,
        ctx.now,
    )
    if proposal.assignment_id is not None:
        try:
            transition(ctx, proposal.assignment_id, "acknowledge")
            transition(ctx, proposal.assignment_id, "complete", "已确认封控建议 proposal confirmed")
        except DomainError:  # the decider is not on the owner side (e.g. the city): the item stays open
            pass
    audit.record(ctx, "control.proposal.confirm", "control_proposal", proposal.id, proposal.jurisdiction_path)
    return proposal


def _community_of(ctx: Ctx, kind: str, pid: int) -> int | None:
    row: Household | Building | Unit | None
    if kind == "household":
        row = ctx.session.get(Household, pid)
    elif kind == "building":
        row = ctx.session.get(Building, pid)
    else:
        row = ctx.session.get(Unit, pid)
    return row.community_id if row is not None else None


def _order_tests(ctx: Ctx, proposal: ControlProposal, code: str) -> None:
    """A test order per community of the people in range: an assignment of the community (sampling team)."""
    ids = proposal.test_person_ids
    rows = ctx.session.execute(select(Person.community_id).where(Person.id.in_(ids))).all() if ids else []
    per: dict[int, int] = {}
    for (cid,) in rows:
        per[cid] = per.get(cid, 0) + 1
    for cid, n in sorted(per.items()):
        issue_assignment(
            ctx.as_actor(SYSTEM),
            title=f"核酸检测：病例 {code} 涉及 {n} 人",
            body=f"请于24小时内完成对病例 {code} 涉及人员的核酸检测：/control/proposals/{proposal.id}/tests",
            owner_jurisdiction_id=cid,
            deadline=ctx.now + timedelta(hours=24),
            subject_type="control_test_order",
            subject_id=f"{proposal.id}:{cid}",
            kind="control.test",
        )
