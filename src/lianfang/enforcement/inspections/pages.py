"""Pages of inspections: the inspector's desk (`/enforcement`: open and overdue findings, undecided
violations), the checklist form, an inspection with its findings (photos, the unit's response,
re-inspection)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, read_upload, render, staff_ctx
from lianfang.enforcement import repository, rules
from lianfang.enforcement.access import (
    INSPECT,
    READ,
    RESPOND,
    access_inspection,
)
from lianfang.enforcement.inspections import exports
from lianfang.enforcement.inspections import service as inspections
from lianfang.enforcement.models import Finding, Violation
from lianfang.enforcement.pages import problems_of, status_of
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(include_in_schema=False)


@router.get("/enforcement")
def desk(request: Request, after: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    size = ctx.settings.page_size
    findings = list(exports.findings_list(ctx)(after, size + 1))
    next_url = f"/enforcement?after={findings[size - 1].id}" if len(findings) > size else None
    pending: list[Violation] = []
    if ctx.actor.can(READ):
        pending = repository.violations_page(
            ctx.session, subtree_filter(ctx.actor, Violation.jurisdiction_path), "recorded", None, None, 50
        )
    return render(
        request,
        "enforcement/desk.html",
        findings=findings[:size],
        next_url=next_url,
        pending=pending,
        now=ctx.now,
        states=rules.FINDING_STATES,
        categories=rules.CATEGORIES,
    )


@router.get("/enforcement/inspect")
def inspect_form(
    request: Request, target_type: str = "unit", target_id: int = 0, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(INSPECT)
    target = inspections.resolve_target(ctx, target_type, target_id)
    return _inspect_page(request, ctx, target)


def _inspect_page(
    request: Request,
    ctx: Ctx,
    target: inspections.Target,
    problems: list[Problem] | None = None,
    status: int = 200,
    action: str = "/enforcement/inspections",
    original_findings: list[Finding] | None = None,
) -> Response:
    checklist = rules.checklist_for(target.type, target.kind, target.closed_by_order)
    return render(
        request,
        "enforcement/inspect.html",
        status_code=status,
        target=target,
        checklist=checklist,
        items=rules.CHECKLISTS[checklist],
        checklist_names=rules.CHECKLIST_NAMES,
        problems=problems or [],
        default_deadline=rules.default_deadline(ctx.now),
        action=action,
        original_findings=original_findings or [],
    )


def _parse_inspection(
    form: FormData, codes: list[str]
) -> tuple[dict[str, str], list[inspections.FindingInput], list[Problem]]:
    results = {c: str(form.get(f"r_{c}", "")) for c in codes if form.get(f"r_{c}")}
    findings, problems = [], []
    for row, code in enumerate(codes, start=1):
        if results.get(code) != "fail":
            continue
        raw = str(form.get(f"d_{code}", "")).strip()
        deadline = None
        if raw:
            try:
                deadline = datetime.fromisoformat(raw).replace(tzinfo=SHANGHAI)
            except ValueError:
                problems.append(
                    Problem("deadline", "整改期限格式无效", "the deadline is not a date and time", row)
                )
        same_day = form.get(f"s_{code}") is not None
        findings.append(inspections.FindingInput(code, str(form.get(f"f_{code}", "")), deadline, same_day))
    return results, findings, problems


@router.post("/enforcement/inspections", dependencies=[Depends(check_csrf)])
async def record_inspection(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(INSPECT)
    form = await request.form()
    try:
        target = inspections.resolve_target(
            ctx, str(form.get("target_type", "")), int(str(form.get("target_id", "0")))
        )
    except ValueError:
        target = inspections.resolve_target(ctx, "", 0)
    codes = [
        c
        for c, _zh, _en in rules.CHECKLISTS[
            rules.checklist_for(target.type, target.kind, target.closed_by_order)
        ]
    ]
    results, findings, problems = _parse_inspection(form, codes)
    if problems:
        return _inspect_page(request, ctx, target, problems, 422)
    data = inspections.InspectionInput(target.type, target.id, results, findings, str(form.get("note", "")))
    try:
        inspection, _f = inspections.record_inspection(ctx, data)
    except DomainError as exc:
        ctx.session.rollback()
        return _inspect_page(request, ctx, target, problems_of(exc), status_of(exc))
    return RedirectResponse(f"/enforcement/inspections/{inspection.id}", status_code=303)


def _inspection_page(
    request: Request, ctx: Ctx, inspection_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    inspection = access_inspection(ctx.session, ctx.actor, inspection_id)
    findings = repository.findings_of(ctx.session, inspection.id)
    photos = {
        f.id: repository.attachments_of(ctx.session, "finding", f.id)
        + repository.attachments_of(ctx.session, "response", f.id)
        for f in findings
    }
    items = {c: (zh, en) for c, zh, en in rules.CHECKLISTS[inspection.checklist]}
    return render(
        request,
        "enforcement/inspection.html",
        status_code=status,
        inspection=inspection,
        findings=findings,
        photos=photos,
        items=items,
        states=rules.FINDING_STATES,
        inspection_states=rules.INSPECTION_STATES,
        problems=problems or [],
        now=ctx.now,
        can_respond=ctx.actor.can(RESPOND),
        can_inspect=ctx.actor.can(INSPECT),
        open_states=rules.OPEN_FINDING_STATES,
    )


@router.get("/enforcement/inspections/{inspection_id}")
def inspection_page(request: Request, inspection_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _inspection_page(request, ctx, inspection_id)


@router.post("/enforcement/findings/{finding_id}/response", dependencies=[Depends(check_csrf)])
def respond(
    request: Request,
    finding_id: int,
    response: str = Form(""),
    file: UploadFile | None = File(None),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        finding = inspections.respond(ctx, finding_id, response)
        if file is not None and file.filename:
            inspections.add_attachment(
                ctx, "response", finding.id, file.filename, file.content_type or "", read_upload(file)
            )
    except DomainError as exc:
        ctx.session.rollback()
        found = ctx.session.get(Finding, finding_id)
        if found is None:
            raise
        return _inspection_page(request, ctx, found.inspection_id, problems_of(exc), status_of(exc))
    return RedirectResponse(f"/enforcement/inspections/{finding.inspection_id}", status_code=303)


@router.post("/enforcement/findings/{finding_id}/photos", dependencies=[Depends(check_csrf)])
def add_photo(
    request: Request, finding_id: int, file: UploadFile = File(...), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    found = ctx.session.get(Finding, finding_id)
    try:
        inspections.add_attachment(
            ctx, "finding", finding_id, file.filename or "photo", file.content_type or "", read_upload(file)
        )
    except DomainError as exc:
        ctx.session.rollback()
        if found is None or exc.status == 404:
            raise
        return _inspection_page(request, ctx, found.inspection_id, problems_of(exc), status_of(exc))
    assert found is not None
    return RedirectResponse(f"/enforcement/inspections/{found.inspection_id}", status_code=303)


@router.get("/enforcement/inspections/{inspection_id}/reinspect")
def reinspect_form(request: Request, inspection_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(INSPECT)
    original = access_inspection(ctx.session, ctx.actor, inspection_id)
    target = inspections.resolve_target(ctx, original.target_type, original.target_id)
    pending = [
        f for f in repository.findings_of(ctx.session, original.id) if f.state in rules.OPEN_FINDING_STATES
    ]
    return _inspect_page(
        request,
        ctx,
        target,
        action=f"/enforcement/inspections/{original.id}/reinspect",
        original_findings=pending,
    )


@router.post("/enforcement/inspections/{inspection_id}/reinspect", dependencies=[Depends(check_csrf)])
async def reinspect(request: Request, inspection_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(INSPECT)
    original = access_inspection(ctx.session, ctx.actor, inspection_id)
    target = inspections.resolve_target(ctx, original.target_type, original.target_id)
    pending = [
        f for f in repository.findings_of(ctx.session, original.id) if f.state in rules.OPEN_FINDING_STATES
    ]
    form = await request.form()
    codes = [
        c
        for c, _zh, _en in rules.CHECKLISTS[
            rules.checklist_for(target.type, target.kind, target.closed_by_order)
        ]
    ]
    results, findings, problems = _parse_inspection(form, codes)
    verdicts = {f.id: form.get(f"v_{f.id}") == "rectified" for f in pending if form.get(f"v_{f.id}")}
    action = f"/enforcement/inspections/{original.id}/reinspect"
    if problems:
        return _inspect_page(request, ctx, target, problems, 422, action, pending)
    data = inspections.InspectionInput(target.type, target.id, results, findings, str(form.get("note", "")))
    try:
        inspection, _f = inspections.reinspect(ctx, original.id, verdicts, data)
    except DomainError as exc:
        ctx.session.rollback()
        return _inspect_page(request, ctx, target, problems_of(exc), status_of(exc), action, pending)
    return RedirectResponse(f"/enforcement/inspections/{inspection.id}", status_code=303)
