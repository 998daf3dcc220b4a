"""Pages for vaccination: coverage by jurisdiction and age group, the due list with bulk actions, a
person's doses with the staff entry form, and the site file import with a per-row report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, export_download, keyset_batches, read_upload, render, staff_ctx
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.rules import mask_name
from lianfang.vaccination import access, imports, repository, rules, service
from lianfang.vaccination import views as coverage
from lianfang.vaccination.models import VaccinationStatus

router = APIRouter(include_in_schema=False)
PAGE = 50


def _problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


@router.get("/vaccination")
def coverage_page(
    request: Request, jurisdiction_id: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    view = coverage.coverage_view(ctx, jurisdiction_id)
    return render(
        request,
        "vaccination/coverage.html",
        view=view,
        age_groups=coverage.AGE_GROUPS,
        percent=coverage.percent,
        edition=rules.EDITION,
        source=rules.SOURCE,
    )


def _due(
    request: Request,
    ctx: Ctx,
    state: str,
    after: int | None,
    problems: list[Problem],
    done: str = "",
    status: int = 200,
) -> Response:
    page = service.due_list(ctx, after, PAGE, state)
    next_url = (
        f"/vaccination/due?{urlencode({'state': state, 'after': page.next_after})}"
        if page.next_after
        else None
    )
    return render(
        request,
        "vaccination/due.html",
        status_code=status,
        page=page,
        state=state if state in ("due", "upcoming") else "due",
        next_url=next_url,
        mask_name=mask_name,
        problems=problems,
        done=done,
        can_issue=ctx.actor.can("assignments.issue") and ctx.actor.can(access.WRITE),
        can_write=ctx.actor.can(access.WRITE),
    )


@router.get("/vaccination/due")
def due_page(
    request: Request,
    state: str = "due",
    after: int | None = None,
    done: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return _due(request, ctx, state, after, [], done)


DUE_COLUMNS = (
    "person_id",
    "name",
    "id_masked",
    "doses",
    "primary_completed_on",
    "booster_due_on",
    "contacted_at",
    "outreach_assignment_id",
)


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


@router.get("/vaccination/due/export")
def due_export(format: str = "csv", state: str = "due", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The due list as the page shows it (due now or later, the actor's scope, masked names)."""
    ctx.actor.require(access.READ)
    state = state if state in ("due", "upcoming") else "due"
    scope = subtree_filter(ctx.actor, VaccinationStatus.jurisdiction_path)
    batches = keyset_batches(
        lambda after, n: repository.due_page(ctx.session, scope, state, after, n), lambda r: r
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            people = repository.people_by_ids(ctx.session, [r.person_id for r in batch])
            for r in batch:
                p = people.get(r.person_id)
                who = [mask_name(p.name), p.id_masked] if p else ["", ""]
                days = [_iso(r.primary_completed_on), _iso(r.booster_due_on)]
                contacted = r.contacted_at.isoformat() if r.contacted_at else ""
                yield [r.person_id, *who, r.doses, *days, contacted, r.outreach_assignment_id or ""]

    return export_download(
        ctx,
        format,
        "vaccination-due",
        DUE_COLUMNS,
        lines(),
        "vaccination.due.export",
        "vaccination_status",
        state=state,
    )


@router.post("/vaccination/due", dependencies=[Depends(check_csrf)])
def due_action(
    request: Request,
    person_ids: list[str] = Form(default=[]),
    action: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    ids = [n for n in (_int(v) for v in person_ids) if n is not None]
    try:
        if action == "outreach":
            done = f"outreach:{len(service.create_outreach(ctx, ids))}"
        else:
            done = f"contacted:{service.mark_contacted(ctx, ids, note)}"
    except DomainError as exc:
        if exc.status not in (404, 422):
            raise
        ctx.session.rollback()
        return _due(request, ctx, "due", None, _problems(exc), status=exc.status)
    return RedirectResponse(f"/vaccination/due?{urlencode({'done': done})}", status_code=303)


def _person(
    request: Request,
    ctx: Ctx,
    person_id: int,
    form: dict[str, str],
    problems: list[Problem],
    status: int = 200,
) -> Response:
    record = service.person_record(ctx, person_id)
    return render(
        request,
        "vaccination/person.html",
        status_code=status,
        record=record,
        products=rules.PRODUCTS,
        form=form,
        problems=problems,
        mask_name=mask_name,
        can_write=ctx.actor.can(access.WRITE),
        edition=rules.EDITION,
    )


@router.get("/vaccination/people/{person_id}")
def person_page(request: Request, person_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _person(request, ctx, person_id, {}, [])


@router.post("/vaccination/people/{person_id}/doses", dependencies=[Depends(check_csrf)])
def person_dose(
    request: Request,
    person_id: int,
    dose_number: str = Form(""),
    product: str = Form(""),
    dosed_on: str = Form(""),
    site_code: str = Form(""),
    site_name: str = Form(""),
    batch: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    data = service.DoseInput(_int(dose_number), product, _day(dosed_on), site_code, site_name, batch)
    try:
        service.record_dose(ctx, person_id, data)
    except DomainError as exc:
        if exc.status != 422:
            raise
        ctx.session.rollback()
        form: dict[str, Any] = {
            "dose_number": dose_number,
            "product": product,
            "dosed_on": dosed_on,
            "site_code": site_code,
            "site_name": site_name,
            "batch": batch,
        }
        return _person(request, ctx, person_id, form, _problems(exc), 422)
    return RedirectResponse(f"/vaccination/people/{person_id}", status_code=303)


@router.get("/vaccination/import")
def import_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(access.WRITE)
    return render(request, "vaccination/import.html", report=None, problems=[], products=rules.PRODUCTS)


@router.post("/vaccination/import", dependencies=[Depends(check_csrf)])
def import_submit(
    request: Request, file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        report = imports.import_vaccinations(ctx, file.filename or "doses.csv", read_upload(file), dry_run)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return render(
            request,
            "vaccination/import.html",
            status_code=exc.status,
            report=None,
            problems=_problems(exc),
            products=rules.PRODUCTS,
        )
    return render(
        request,
        "vaccination/import.html",
        report=report,
        problems=report.problems or [],
        products=rules.PRODUCTS,
    )
