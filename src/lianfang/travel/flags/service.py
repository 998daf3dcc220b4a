"""Remote control (远端管控, R9): pop-up ① flags raised set-based for everyone whose 14-day travel touches
a listed area, the community's verification duty, clearing by verification, lifting or expiry."""

from __future__ import annotations

from datetime import timedelta

from lianfang.assignments.models import Assignment
from lianfang.assignments.service import issue_assignment, transition
from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.travel import repository, rules
from lianfang.travel.access import VERIFY, today_of
from lianfang.travel.events import TravelFlagCleared, TravelFlagsCleared, TravelFlagsRaised
from lianfang.travel.models import TravelFlag

REFLAG_JOB = "travel.reflag"


def reflag(ctx: Ctx, risk_area_id: int | None = None, person_ids: list[int] | None = None) -> int:
    """Set-based pop-up ① for the listed areas (one or all), then one verification assignment per
    community for the flagged people already in the city."""
    today = today_of(ctx)
    changed = repository.upsert_flags(ctx.session, ctx.now, today, risk_area_id, person_ids)
    issued = assign_verification(ctx)
    if changed:
        audit.record(
            ctx,
            "travel.reflag",
            "risk_area",
            risk_area_id,
            None,
            changed=changed,
            assignments=issued,
            persons=len(person_ids) if person_ids is not None else None,
        )
        ctx.publish(TravelFlagsRaised(risk_area_id, changed))
    return changed


def assign_verification(ctx: Ctx) -> int:
    """R9: those in the city report to their community, which verifies them and arranges a test by the
    deadline; one assignment per community covers its newly flagged people."""
    system = ctx.as_actor(SYSTEM)
    issued: dict[int, int] = {}
    for community_id, _path, count in repository.unassigned_by_community(ctx.session):
        item = issue_assignment(
            system,
            title=f"核查涉疫地区旅居人员{count}人 / Verify {count} people with travel to risk areas",
            body="R9 远端管控：请联系本人、核实行程、安排核酸检测，并在“旅居核查”中核销。",
            owner_jurisdiction_id=community_id,
            deadline=ctx.now + timedelta(hours=rules.verify_deadline_hours()),
            subject_type="travel_flags",
            subject_id=f"{community_id}:{ctx.now:%Y%m%d%H%M%S}",
            kind="travel.verify",
        )
        issued[community_id] = item.id
    repository.attach_assignments(ctx.session, issued)
    return len(issued)


def expire(ctx: Ctx) -> int:
    """Pop-up ① ends 14 full days after the stay (离开满14天)."""
    count = repository.expire_flags(ctx.session, ctx.now, today_of(ctx))
    if count:
        audit.record(ctx, "travel.flags.expire", "travel_flag", None, None, count=count)
        ctx.publish(TravelFlagsCleared(None, "expired", count))
    return count


def verify_flags(ctx: Ctx, flag_ids: list[int], note: str) -> list[TravelFlag]:
    """The community has verified these people (contacted, travel checked, test arranged): clear every
    selected flag, or none (§4.3 ①: a self-arranged test does not clear it)."""
    ctx.actor.require(VERIFY)
    note = note.strip()
    problems: list[Problem] = []
    if not note or len(note) > 300:
        problems.append(
            Problem(
                "note", "请填写核查情况（最多300字）", "describe the verification (at most 300 characters)"
            )
        )
    if not flag_ids or len(flag_ids) > 500:
        problems.append(Problem("ids", "请选择1-500条", "select 1 to 500 items"))
    flags = []
    for flag_id in dict.fromkeys(flag_ids[:500]):
        flag = ctx.session.get(TravelFlag, flag_id, with_for_update=True)
        if flag is None or not ctx.actor.covers(flag.jurisdiction_path):
            problems.append(Problem("ids", f"第{flag_id}条不存在或不在辖区内", f"flag {flag_id} not found"))
        elif not flag.in_city:
            problems.append(
                Problem(
                    "ids",
                    f"第{flag_id}条人员仍在京外：待地区解除或离开满14天后自动解除",
                    f"flag {flag_id}: outside the city, it clears with the area or after 14 days",
                )
            )
        elif flag.state != "open":
            problems.append(Problem("ids", f"第{flag_id}条已解除", f"flag {flag_id} is no longer open"))
        else:
            flags.append(flag)
    if problems:
        raise Invalid(problems)
    for flag in flags:
        flag.state, flag.cleared_at, flag.cleared_by, flag.clear_note = (
            "verified",
            ctx.now,
            ctx.actor.label,
            note,
        )
        audit.record(
            ctx,
            "travel.flag.verify",
            "travel_flag",
            flag.id,
            flag.jurisdiction_path,
            note=note,
            person_id=flag.person_id,
        )
        ctx.publish(TravelFlagCleared(flag.id, flag.person_id, "verified"))
    ctx.session.flush()
    _complete_done_assignments(
        ctx, {(f.jurisdiction_path, f.assignment_id) for f in flags if f.assignment_id is not None}
    )
    return flags


def _complete_done_assignments(ctx: Ctx, assignments: set[tuple[str, int]]) -> None:
    """A community's verification duty is done once none of its flags is open any more."""
    system = ctx.as_actor(SYSTEM)
    for path, assignment_id in sorted(assignments):
        if repository.open_flags_of_assignment(ctx.session, path, assignment_id):
            continue
        item = ctx.session.get(Assignment, assignment_id)
        if item is None or item.state not in ("issued", "acknowledged", "in_progress"):
            continue
        if item.state == "issued":
            transition(system, assignment_id, "acknowledge")
        transition(system, assignment_id, "complete", "全部核查完毕 / everyone verified")


def scan(ctx: Ctx) -> int:
    """The worker's periodic pass: expire flags whose 14 days are over, then re-flag over every listed
    area (the window moves every day and new stays arrive from imports)."""
    return expire(ctx) + reflag(ctx)
