"""JSON API for vaccination: a person's doses and summary, staff entry, site file imports, the due list
with bulk actions, and coverage by jurisdiction and age group."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.people.rules import mask_name
from lianfang.vaccination import imports, rules, service
from lianfang.vaccination import views as coverage
from lianfang.vaccination.schemas import (
    ContactedResult,
    CoverageRead,
    CoverageRow,
    DoseCreate,
    DoseRead,
    DuePage,
    DueRead,
    OutreachResult,
    PersonDoses,
    Selection,
    SummaryRead,
)

router = APIRouter(tags=["vaccination"])


def person_doses(record: service.PersonRecord) -> PersonDoses:
    s = record.summary
    return PersonDoses(
        person_id=record.person.id,
        name_masked=mask_name(record.person.name),
        id_masked=record.person.id_masked,
        doses=[DoseRead.model_validate(d) for d in record.doses],
        summary=SummaryRead(
            doses=s.doses,
            last_dose_on=s.last_dose_on,
            primary_complete=s.primary_complete,
            booster_received=s.booster_received,
            booster_due_on=s.booster_due_on,
            edition=rules.EDITION,
        ),
    )


@router.get("/api/vaccination/people/{person_id}", response_model=PersonDoses)
def get_person(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> PersonDoses:
    """The person's doses and booster summary under the rule set in force (an audited read)."""
    return person_doses(service.person_record(ctx, person_id))


@router.post("/api/vaccination/people/{person_id}/doses", response_model=DoseRead, status_code=201)
def create_dose(person_id: int, body: DoseCreate, ctx: Ctx = Depends(staff_ctx)) -> DoseRead:
    data = service.DoseInput(
        body.dose_number, body.product, body.dosed_on, body.site_code, body.site_name, body.batch
    )
    return DoseRead.model_validate(service.record_dose(ctx, person_id, data))


@router.post("/api/vaccination/import")
def import_file(
    file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> dict[str, object]:
    """A vaccination site's dose file (CSV/XLSX): per-row report; re-running it creates nothing new."""
    report = imports.import_vaccinations(ctx, file.filename or "doses.csv", read_upload(file), dry_run)
    return report.as_dict()


@router.get("/api/vaccination/due", response_model=DuePage)
def due_list(
    after: int | None = None, limit: int = 50, state: str = "due", ctx: Ctx = Depends(staff_ctx)
) -> DuePage:
    """People of your jurisdiction due for a booster (state=upcoming: not yet due), keyset-paged by
    `after` (a person id from `next_after`)."""
    page = service.due_list(ctx, after, limit, state)
    items = [
        DueRead(
            person_id=r.person_id,
            name_masked=mask_name(page.people[r.person_id].name) if r.person_id in page.people else "",
            id_masked=page.people[r.person_id].id_masked if r.person_id in page.people else "",
            community_id=r.community_id,
            doses=r.doses,
            primary_completed_on=r.primary_completed_on,
            booster_due_on=r.booster_due_on,
            contacted_at=r.contacted_at,
            outreach_assignment_id=r.outreach_assignment_id,
        )
        for r in page.rows
    ]
    return DuePage(items=items, next_after=page.next_after)


@router.post("/api/vaccination/due/contacted", response_model=ContactedResult)
def mark_contacted(body: Selection, ctx: Ctx = Depends(staff_ctx)) -> ContactedResult:
    return ContactedResult(marked=service.mark_contacted(ctx, body.person_ids, body.note))


@router.post("/api/vaccination/due/outreach", response_model=OutreachResult, status_code=201)
def create_outreach(body: Selection, ctx: Ctx = Depends(staff_ctx)) -> OutreachResult:
    """One outreach assignment per community of the selected people (needs assignments.issue)."""
    return OutreachResult(assignment_ids=service.create_outreach(ctx, body.person_ids))


@router.get("/api/vaccination/coverage", response_model=CoverageRead)
def get_coverage(jurisdiction_id: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> CoverageRead:
    """Pre-aggregated coverage of a jurisdiction in your scope (default: your own) and its children."""
    view = coverage.coverage_view(ctx, jurisdiction_id)
    rows = [
        CoverageRow(
            jurisdiction_id=line.place.id,
            name=line.place.name,
            level=line.place.level,
            age_group=group,
            **dict(zip(coverage.COUNTS, numbers, strict=True)),
        )
        for line in view.lines
        for group, numbers in sorted(line.groups.items(), key=lambda item: coverage.AGE_GROUPS.index(item[0]))
    ]
    return CoverageRead(
        jurisdiction_id=view.home.id,
        as_of=view.as_of,
        edition=rules.EDITION,
        age_groups=list(coverage.AGE_GROUPS),
        rows=rows,
    )
