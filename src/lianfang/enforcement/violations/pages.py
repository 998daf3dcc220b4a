"""Pages for violations (R23) and a unit's infections: the list (scoped, keyset-paged, open or decided),
the form that records a violation with its evidence, the law cited and, for command staff, the
disposition; a violation's page (evidence, decision, corrections); infections on the unit record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import check_csrf, read_upload, render, staff_ctx
from lianfang.enforcement import repository, rules
from lianfang.enforcement.access import DECIDE, INSPECT
from lianfang.enforcement.inspections import service as inspections
from lianfang.enforcement.pages import problems_of, status_of
from lianfang.enforcement.violations import exports
from lianfang.enforcement.violations import service as violations
from lianfang.people import repository as people_repository
from lianfang.people.rules import id_hash, normalise_id_number

router = APIRouter(include_in_schema=False)
STATES = exports.VIOLATION_STATES
NAMES: dict[str, Any] = {
    "categories": rules.CATEGORIES,
    "laws": rules.LAWS,
    "dispositions": rules.DISPOSITIONS,
}


def _attempt(ctx: Ctx, work: Callable[[], str], again: Callable[[list[Problem], int], Response]) -> Response:
    """Run a form's writes and go to the URL `work` returns; a problem with the input rolls them back and
    shows the form again. Permission and scope (403, 404) stay the page's answer, not a form problem."""
    try:
        target = work()
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        ctx.session.rollback()
        return again(problems_of(exc), status_of(exc))
    return RedirectResponse(target, status_code=303)


def _may_record(ctx: Ctx) -> None:
    if not (ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE)):
        ctx.actor.require(INSPECT)


@router.get("/enforcement/violations")
def violations_page(
    request: Request,
    state: str = "",
    unit_id: int | None = None,
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    state = state if state in STATES else ""
    size = ctx.settings.page_size
    rows = list(exports.violations_list(ctx, state, unit_id)(after, size + 1))
    query = {k: v for k, v in {"state": state, "unit_id": unit_id}.items() if v}
    next_url = (
        "/enforcement/violations?" + urlencode(query | {"after": rows[size - 1].id})
        if len(rows) > size
        else None
    )
    return render(
        request,
        "enforcement/violations.html",
        rows=rows[:size],
        next_url=next_url,
        state=state,
        unit_id=unit_id,
        can_record=ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE),
        **NAMES,
    )


def _new(
    request: Request, ctx: Ctx, form: dict[str, str], problems: list[Problem] | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "enforcement/violation_new.html",
        status_code=status,
        form=form,
        problems=problems or [],
        can_decide=ctx.actor.can(DECIDE),
        today=local_date(ctx.now),
        **NAMES,
    )


@router.get("/enforcement/violations/new")
def violation_form(
    request: Request,
    subject_type: str = "person",
    subject_id: str = "",
    inspection_id: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The form; a unit's record and an inspection link here with the subject (and inspection) filled."""
    _may_record(ctx)
    form = {"subject_type": subject_type, "subject_id": subject_id, "inspection_id": inspection_id}
    return _new(request, ctx, form)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


def _number(raw: str, field: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise Invalid([Problem(field, "应为编号（整数）", "must be a number")])
    return int(text)


def _subject_id(ctx: Ctx, form: dict[str, str]) -> int:
    """The subject's number; a person may be given by identity number instead (looked up by its hash)."""
    number = _number(form["subject_id"], "subject_id")
    if number is not None:
        return number
    id_number = normalise_id_number(form["id_number"])
    if form["subject_type"] == "person" and id_number:
        person = people_repository.by_id_hash(ctx.session, id_hash(ctx.settings, "resident_id", id_number))
        if person is not None:
            return person.id  # the service checks the person's jurisdiction
        raise Invalid(
            [Problem("id_number", "登记册中没有此证件号码", "no registered person has this number")]
        )
    raise Invalid([Problem("subject_id", "请填写当事方编号", "give the subject's number")])


@router.post("/enforcement/violations", dependencies=[Depends(check_csrf)])
def violation_record(
    request: Request,
    subject_type: str = Form("person"),
    subject_id: str = Form(""),
    id_number: str = Form(""),
    category: str = Form(""),
    occurred_on: str = Form(""),
    facts: str = Form(""),
    law_code: str = Form(""),
    law_article: str = Form(""),
    inspection_id: str = Form(""),
    disposition: str = Form(""),
    disposition_note: str = Form(""),
    evidence: list[UploadFile] = File(default=[]),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """Record the violation, attach its evidence and, when command staff decide at once, the disposition:
    one transaction, so a rejected file or decision leaves nothing half recorded."""
    _may_record(ctx)
    form = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "id_number": id_number,
        "category": category,
        "occurred_on": occurred_on,
        "facts": facts,
        "law_code": law_code,
        "law_article": law_article,
        "inspection_id": inspection_id,
        "disposition": disposition,
        "disposition_note": disposition_note,
    }

    def work() -> str:
        data = violations.ViolationInput(
            subject_type,
            _subject_id(ctx, form),
            category,
            facts,
            _date(occurred_on),
            law_code,
            law_article,
            _number(inspection_id, "inspection_id"),
        )
        violation = violations.record_violation(ctx, data)
        for upload in evidence:
            if upload.filename:
                content = read_upload(upload)
                kind = upload.content_type or ""
                inspections.add_attachment(ctx, "violation", violation.id, upload.filename, kind, content)
        if disposition:
            violations.decide(ctx, violation.id, disposition, disposition_note)
        return f"/enforcement/violations/{violation.id}"

    return _attempt(ctx, work, lambda problems, status: _new(request, ctx, form, problems, status))


def _violation(
    request: Request, ctx: Ctx, violation_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    violation = violations.view_violation(ctx, violation_id)
    return render(
        request,
        "enforcement/violation.html",
        status_code=status,
        v=violation,
        problems=problems or [],
        evidence=repository.attachments_of(ctx.session, "violation", violation.id),
        history=repository.revisions(ctx.session, "violation", violation.id),
        can_decide=ctx.actor.can(DECIDE),
        can_add_evidence=ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE),
        **NAMES,
    )


@router.get("/enforcement/violations/{violation_id}")
def violation_page(request: Request, violation_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _violation(request, ctx, violation_id)


@router.post("/enforcement/violations/{violation_id}/decision", dependencies=[Depends(check_csrf)])
def decide_violation(
    request: Request,
    violation_id: int,
    disposition: str = Form(""),
    note: str = Form(""),
    reason: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    def work() -> str:
        violations.decide(ctx, violation_id, disposition, note, reason)
        return f"/enforcement/violations/{violation_id}"

    return _attempt(
        ctx, work, lambda problems, status: _violation(request, ctx, violation_id, problems, status)
    )


@router.post("/enforcement/violations/{violation_id}/evidence", dependencies=[Depends(check_csrf)])
def add_evidence(
    request: Request, violation_id: int, file: UploadFile = File(...), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    def work() -> str:
        content = read_upload(file)
        name, kind = file.filename or "evidence", file.content_type or ""
        inspections.add_attachment(ctx, "violation", violation_id, name, kind, content)
        return f"/enforcement/violations/{violation_id}#evidence"

    return _attempt(
        ctx, work, lambda problems, status: _violation(request, ctx, violation_id, problems, status)
    )


def unit_record_page(
    request: Request, ctx: Ctx, unit_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    record = violations.unit_record(ctx, unit_id)
    return render(
        request,
        "enforcement/record.html",
        status_code=status,
        record=record,
        states=rules.FINDING_STATES,
        inspection_states=rules.INSPECTION_STATES,
        can_inspect=ctx.actor.can(INSPECT),
        can_decide=ctx.actor.can(DECIDE),
        can_record=ctx.actor.can(INSPECT) or ctx.actor.can(DECIDE),
        problems=problems or [],
        today=local_date(ctx.now),
        **NAMES,
    )


@router.get("/enforcement/units/{unit_id}/record")
def unit_record(request: Request, unit_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return unit_record_page(request, ctx, unit_id)


@router.post("/enforcement/units/{unit_id}/infections", dependencies=[Depends(check_csrf)])
def record_infection(
    request: Request,
    unit_id: int,
    reported_on: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """An infection among the unit's people (reported by the CDC): the unit is no longer "zero infection"."""

    def work() -> str:
        violations.record_infection(ctx, unit_id, _date(reported_on), note)
        return f"/enforcement/units/{unit_id}/record#infections"

    return _attempt(
        ctx, work, lambda problems, status: unit_record_page(request, ctx, unit_id, problems, status)
    )
