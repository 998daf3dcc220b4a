"""Vaccination use cases: a staff entry of one dose, a person's record (an audited read), the due list,
and the supervisors' bulk actions on it (mark contacted, outreach assignments for the communities).
The only writer of the module's tables with `imports` and `refresh`; flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lianfang.assignments.service import issue_assignment
from lianfang.core import audit
from lianfang.core.clock import end_of_local_day
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.vaccination import access, refresh, repository, rules
from lianfang.vaccination.models import VaccinationDose, VaccinationStatus

MAX_SELECTION = 500
OUTREACH_DAYS = 3  # an outreach item is due at 24:00 local time on the third day after it is issued
SITE_CODE_MAX, SITE_NAME_MAX, BATCH_MAX, NOTE_MAX = 40, 120, 60, 300


@dataclass(frozen=True)
class DoseInput:
    dose_number: int | None
    product: str
    dosed_on: date | None
    site_code: str
    site_name: str = ""
    batch: str = ""


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    doses: list[VaccinationDose]
    summary: rules.DoseSummary
    status: VaccinationStatus | None


@dataclass(frozen=True)
class DuePage:
    rows: list[VaccinationStatus]
    people: dict[int, Person]
    next_after: int | None


def text_problems(data: DoseInput, row: int | None = None) -> list[Problem]:
    problems: list[Problem] = []
    if not data.site_code.strip() or len(data.site_code.strip()) > SITE_CODE_MAX:
        problems.append(
            Problem(
                "site_code",
                "请填写接种点编码（最多40字）",
                "give the vaccination site code (at most 40)",
                row,
            )
        )
    if len(data.site_name.strip()) > SITE_NAME_MAX:
        problems.append(
            Problem("site_name", "接种点名称最多120字", "the site name has at most 120 characters", row)
        )
    if len(data.batch.strip()) > BATCH_MAX:
        problems.append(Problem("batch", "批号最多60字", "the batch number has at most 60 characters", row))
    return problems


def dose_problems(
    ctx: Ctx, data: DoseInput, others: Sequence[rules.Dose], row: int | None = None
) -> list[Problem]:
    problems = rules.dose_problems(data.dose_number, data.product, data.dosed_on, access.today_of(ctx), row)
    problems += text_problems(data, row)
    if not problems and data.dose_number is not None and data.dosed_on is not None:
        order = rules.order_problem(data.dose_number, data.dosed_on, others, row)
        problems += [order] if order else []
    return problems


def new_dose(
    ctx: Ctx, person: Person, data: DoseInput, source: str, record_key: str | None
) -> VaccinationDose:
    assert data.dose_number is not None and data.dosed_on is not None
    dose = VaccinationDose(
        person_id=person.id,
        dose_number=data.dose_number,
        product=rules.normalise_product(data.product),
        dosed_on=data.dosed_on,
        site_code=data.site_code.strip(),
        site_name=data.site_name.strip(),
        batch=data.batch.strip(),
        source=source,
        record_key=record_key,
        created_by=ctx.actor.label,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(dose)
    return dose


def record_dose(ctx: Ctx, person_id: int, data: DoseInput) -> VaccinationDose:
    """A staff entry (form or API): the person must be in scope and the dose number not yet recorded."""
    ctx.actor.require(access.WRITE)
    person = access.staff_person(ctx.session, ctx.actor, person_id)
    existing = repository.doses_for(ctx.session, person.id)
    problems = dose_problems(ctx, data, repository.as_rule_doses(existing))
    if any(d.dose_number == data.dose_number for d in existing):
        problems.append(
            Problem(
                "dose_number", f"第{data.dose_number}剂已登记", f"dose {data.dose_number} is already recorded"
            )
        )
    if problems:
        raise Invalid(problems)
    dose = new_dose(ctx, person, data, "staff", None)
    ctx.session.flush()
    audit.record(
        ctx,
        "vaccination.dose.create",
        "vaccination_dose",
        dose.id,
        person.jurisdiction_path,
        person_id=person.id,
        after={
            "dose_number": dose.dose_number,
            "product": dose.product,
            "dosed_on": dose.dosed_on.isoformat(),
        },
    )
    refresh.recompute_statuses(ctx, [person.id])
    refresh.refresh_coverage(ctx, {person.community_id})
    return dose


def person_record(ctx: Ctx, person_id: int) -> PersonRecord:
    ctx.actor.require(access.READ)
    person = access.staff_person(ctx.session, ctx.actor, person_id)
    doses = repository.doses_for(ctx.session, person.id)
    summary = rules.status_of(
        repository.as_rule_doses(doses), person.birth_date, access.today_of(ctx)
    ).summary
    status = ctx.session.get(VaccinationStatus, person.id)
    audit.record(
        ctx, "vaccination.person.read", "person", person.id, person.jurisdiction_path, doses=len(doses)
    )
    return PersonRecord(person, doses, summary, status)


def due_list(ctx: Ctx, after: int | None = None, limit: int = 50, state: str = "due") -> DuePage:
    """People of the scope in `state` (due for a booster, by default), a page at a time; an `after` that
    is not a visible status row starts from the beginning."""
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    if state not in ("due", "upcoming"):
        state = "due"
    start = ctx.session.get(VaccinationStatus, after) if after is not None else None
    if start is not None and not ctx.actor.covers(start.jurisdiction_path):
        start = None
    scope = subtree_filter(ctx.actor, VaccinationStatus.jurisdiction_path)
    rows = repository.due_page(ctx.session, scope, state, start, limit + 1)
    page = rows[:limit]
    people = repository.people_by_ids(ctx.session, [r.person_id for r in page])
    audit.record(
        ctx, "vaccination.due.list", "vaccination_status", None, ctx.actor.scope_path, shown=len(page)
    )
    return DuePage(page, people, page[-1].person_id if len(rows) > limit else None)


def _selection(ctx: Ctx, person_ids: Sequence[int]) -> list[VaccinationStatus]:
    if not person_ids:
        raise Invalid([Problem("person_ids", "请至少选择一人", "select at least one person")])
    if len(set(person_ids)) > MAX_SELECTION:
        raise Invalid(
            [
                Problem(
                    "person_ids", f"一次最多选择{MAX_SELECTION}人", f"select at most {MAX_SELECTION} people"
                )
            ]
        )
    return access.statuses_in_scope(ctx.session, ctx.actor, person_ids)


def mark_contacted(ctx: Ctx, person_ids: Sequence[int], note: str = "") -> int:
    ctx.actor.require(access.WRITE)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid([Problem("note", "备注最多300字", "the note has at most 300 characters")])
    rows = _selection(ctx, person_ids)
    for row in rows:
        before = row.contacted_at.isoformat() if row.contacted_at else None
        row.contacted_at, row.contacted_by, row.contact_note = ctx.now, ctx.actor.label, note
        audit.record(
            ctx,
            "vaccination.contacted",
            "person",
            row.person_id,
            row.jurisdiction_path,
            before=before,
            note=note,
        )
    ctx.session.flush()
    return len(rows)


def create_outreach(ctx: Ctx, person_ids: Sequence[int], deadline: datetime | None = None) -> list[int]:
    """One outreach assignment per community of the selection (through the assignments module, so the
    actor needs `assignments.issue` there too); each selected row remembers its assignment."""
    ctx.actor.require(access.WRITE)
    rows = _selection(ctx, person_ids)
    by_community: dict[int, list[VaccinationStatus]] = {}
    for row in rows:
        by_community.setdefault(row.community_id, []).append(row)
    people = repository.people_by_ids(ctx.session, [r.person_id for r in rows])
    deadline = deadline or end_of_local_day(ctx.now + timedelta(days=OUTREACH_DAYS))
    today = access.today_of(ctx)
    issued: list[int] = []
    for community_id, members in sorted(by_community.items()):
        lines = [
            f"- {mask_name(people[r.person_id].name)} {people[r.person_id].id_masked} "
            f"（应于{r.booster_due_on}起加强 / booster due from {r.booster_due_on}）"
            for r in members
        ]
        item = issue_assignment(
            ctx,
            title=f"加强免疫动员：{len(members)}人 / Booster outreach: {len(members)} people",
            body="\n".join(["请联系以下居民，动员接种加强针并在名单中标记已联系：/vaccination/due", *lines]),
            owner_jurisdiction_id=community_id,
            deadline=deadline,
            subject_type="vaccination_outreach",
            subject_id=f"{community_id}:{today.isoformat()}:{len(issued)}",
            kind="vaccination.outreach",
        )
        for row in members:
            row.outreach_assignment_id = item.id
        audit.record(
            ctx,
            "vaccination.outreach",
            "assignment",
            item.id,
            item.owner_path,
            people=[r.person_id for r in members],
        )
        issued.append(item.id)
    ctx.session.flush()
    return issued
