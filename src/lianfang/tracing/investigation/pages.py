"""The investigation page of one case (timeline, proposals, contacts, requests) and its forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, NotFound, Problem
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.people.models import Person
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.cases import service
from lianfang.tracing.cases import views as cases_views
from lianfang.tracing.cases.pages import form_time, render_tracing
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.investigation import views

router = APIRouter(include_in_schema=False)


CONTACT_PAGE = 200  # contacts per page of the investigation page (worked in bulk)


REQUEST_PAGE = 200  # the latest requests shown; the export and the API have them all


def _case_view(
    request: Request,
    ctx: Ctx,
    case_id: int,
    problems: list[Problem] | None = None,
    code: int = 200,
    notice: str = "",
    filters: dict[str, str] | None = None,
) -> Response:
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    person = ctx.session.get(Person, case.person_id)
    start, end = service.case_window(ctx, case)
    wanted = filters or {}
    category = wanted.get("category", "") if wanted.get("category") in rules.CATEGORIES else ""
    status = wanted.get("status", "") if wanted.get("status") in rules.CONTACT_STATUSES else ""
    after = int(wanted["after"]) if wanted.get("after", "").isdigit() else None
    rows = views.contacts(ctx, case, category or None, status or None, after, CONTACT_PAGE + 1)
    query = {"category": category, "status": status}
    next_url = None
    if len(rows) > CONTACT_PAGE:
        rows = rows[:CONTACT_PAGE]
        next_url = f"/tracing/cases/{case.id}?{urlencode({**query, 'after': rows[-1]['id']})}#contacts"
    counts = repository.contact_counts(ctx.session, case.id)
    audit.record(ctx, "tracing.case.view", "tracing_case", case.id, case.jurisdiction_path)
    return render_tracing(
        request,
        "tracing/case.html",
        code,
        case=case,
        person=cases_views.person_label(person),
        window=(start, end),
        timeline=views.timeline(ctx, case),
        trips=views.trip_summary(ctx, case),
        contacts=rows,
        counts=counts,
        total=sum(counts.values()),
        proposed_count=sum(n for (_c, st), n in counts.items() if st == "proposed"),
        filters=query,
        next_url=next_url,
        requests=views.requests(ctx, repository.latest_requests(ctx.session, case.id, REQUEST_PAGE)),
        request_tallies=views.request_tallies(ctx, case),
        exposures=repository.exposures(ctx.session, case.id),
        verbs_allowed=[v for v, (sources, _t, _n) in rules.CASE_VERBS.items() if case.status in sources],
        can_write=ctx.actor.can("tracing.write"),
        problems=problems or [],
        notice=notice,
    )


@router.get("/tracing/cases/{case_id}")
def case_page(
    request: Request,
    case_id: int,
    notice: str = "",
    category: str = "",
    status: str = "",
    after: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    filters = {"category": category, "status": status, "after": after}
    return _case_view(request, ctx, case_id, notice=notice[:80], filters=filters)


def _back(case_id: int, notice: str = "") -> Response:
    query = f"?{urlencode({'notice': notice})}" if notice else ""
    return RedirectResponse(f"/tracing/cases/{case_id}{query}#contacts", status_code=303)


def _attempt(request: Request, ctx: Ctx, case_id: int, work: Any) -> Response:
    try:
        notice = work()
    except Invalid as exc:
        ctx.session.rollback()
        return _case_view(request, ctx, case_id, list(exc.problems), 422)
    except DomainError as exc:
        if isinstance(exc, NotFound) or exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return _case_view(request, ctx, case_id, [Problem("case", exc.zh, exc.en)], exc.status)
    return _back(case_id, notice or "")


@router.post("/tracing/cases/{case_id}/action/{verb}", dependencies=[Depends(check_csrf)])
def case_action(
    request: Request,
    case_id: int,
    verb: str,
    note: str = Form(""),
    classification: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return _attempt(
        request,
        ctx,
        case_id,
        lambda: service.transition(ctx, case_id, verb, note, classification or None) and "",
    )


@router.post("/tracing/cases/{case_id}/edit", dependencies=[Depends(check_csrf)])
def case_edit(
    request: Request,
    case_id: int,
    classification: str = Form(...),
    found_by: str = Form(...),
    source: str = Form(...),
    onset_at: str = Form(""),
    sampled_at: str = Form(""),
    isolated_at: str = Form(""),
    infector_case_id: str = Form(""),
    cluster_id: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    def work() -> str:
        changes = {
            "classification": classification,
            "found_by": found_by,
            "source": source,
            "onset_at": form_time(onset_at, "onset_at"),
            "sampled_at": form_time(sampled_at, "sampled_at"),
            "isolated_at": form_time(isolated_at, "isolated_at"),
            "infector_case_id": int(infector_case_id) if infector_case_id.strip().isdigit() else None,
            "cluster_id": int(cluster_id) if cluster_id.strip().isdigit() else None,
        }
        service.update_case(ctx, case_id, changes)
        return ""

    return _attempt(request, ctx, case_id, work)


@router.post("/tracing/cases/{case_id}/exposures", dependencies=[Depends(check_csrf)])
def exposure_new(
    request: Request,
    case_id: int,
    kind: str = Form("place"),
    started_at: str = Form(""),
    ended_at: str = Form(""),
    venue_code: str = Form(""),
    place: str = Form(""),
    transport_mode: str = Form(""),
    transport_number: str = Form(""),
    carriage: str = Form(""),
    seat_row: str = Form(""),
    seat: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    def work() -> str:
        start, end = form_time(started_at, "started_at"), form_time(ended_at, "ended_at")
        if start is None or end is None:
            raise Invalid([Problem("started_at", "请填写开始和结束时间", "give the start and the end")])
        venue_id = repository.venue_id_by_code(ctx.session, venue_code) if venue_code.strip() else None
        if venue_code.strip() and venue_id is None:
            raise Invalid([Problem("venue_code", "场所编码不存在", "no venue with this code")])
        data = service.ExposureInput(
            kind,
            start,
            end,
            venue_id,
            place,
            transport_mode or None,
            transport_number or None,
            carriage or None,
            int(seat_row) if seat_row.strip().isdigit() else None,
            seat or None,
            note,
        )
        service.add_exposure(ctx, case_id, data)
        return ""

    return _attempt(request, ctx, case_id, work)


@router.post("/tracing/cases/{case_id}/propose", dependencies=[Depends(check_csrf)])
def propose(request: Request, case_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    def work() -> str:
        result = contacts.propose(ctx, case_id)
        return f"+{result.proposed} / ~{result.updated} / +{result.secondary}"

    return _attempt(request, ctx, case_id, work)


@router.post("/tracing/cases/{case_id}/decide", dependencies=[Depends(check_csrf)])
def decide(
    request: Request,
    case_id: int,
    action: str = Form(""),
    ids: list[int] = Form([]),
    single: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The bulk form; a row's own button sends `single` = "<contact id>:<action>" instead."""
    one, _, one_action = single.partition(":")
    chosen, verb = ([int(one)], one_action) if one.isdigit() else (ids, action)

    def work() -> str:
        done = contacts.decide(ctx, chosen, verb, note)
        if any(c.case_id != case_id for c in done):
            raise Invalid([Problem("ids", "所选记录不属于本病例", "the selection belongs to another case")])
        return str(len(done))

    return _attempt(request, ctx, case_id, work)


@router.post("/tracing/cases/{case_id}/contacts", dependencies=[Depends(check_csrf)])
def contact_new(
    request: Request,
    case_id: int,
    category: str = Form("close"),
    id_number: str = Form(""),
    outside_name: str = Form(""),
    outside_city: str = Form(""),
    outside_phone: str = Form(""),
    first_contact_at: str = Form(""),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    def work() -> str:
        data = contacts.ManualContact(
            category,
            None,
            id_number,
            outside_name,
            outside_city,
            outside_phone,
            note,
            form_time(first_contact_at, "first_contact_at"),
        )
        contacts.add_contact(ctx, case_id, data)
        return "1"

    return _attempt(request, ctx, case_id, work)
