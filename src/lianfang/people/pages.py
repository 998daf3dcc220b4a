"""Pages for the registry: search, register, view and correct a person (with an audited "show full
ID"), import with a per-row report, export; and `/me`, a resident's own records."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, get_ctx, read_upload, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people import repository, service
from lianfang.people.access import access_person, own_records
from lianfang.people.exports import export_people
from lianfang.people.imports import import_people
from lianfang.people.rules import ID_KINDS
from lianfang.people.schemas import MyRecord

router = APIRouter(include_in_schema=False)


CHOICES = 500  # communities offered in a form's list; more can still be typed by code


def _communities(ctx: Ctx) -> list[Jurisdiction]:
    assert ctx.actor.scope_path is not None
    return jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "community", CHOICES)


def form_problems(exc: DomainError) -> list[Problem]:
    return exc.problems or [Problem("", exc.zh, exc.en)]


def _export_links(filters: dict[str, str]) -> dict[str, Any]:
    """The export buttons carry the page's filters: in the link's query for a name or community, in a
    posted form when a document number or phone is among them (never in a URL)."""
    sensitive = bool(filters["id_number"] or filters["phone"])
    query = {"q": filters["q"], "community_code": filters["community"]}
    kept = {k: v for k, v in query.items() if v}
    return {"export_query": "&" + urlencode(kept) if kept else "", "export_by_form": sensitive}


def _list(request: Request, ctx: Ctx, filters: dict[str, str], after: int | None) -> Response:
    """The search page. Document numbers and phones arrive only by POST (never in a URL, so never in an
    access log or the browser history); their next page is a form too."""
    context: dict[str, Any] = {
        "filters": filters,
        "id_kinds": ID_KINDS,
        "next_after": None,
        "next_url": None,
    } | _export_links(filters)
    try:
        f = filters
        size = ctx.settings.page_size
        page = service.find_people(ctx, f["q"], f["id_number"], f["phone"], None, f["community"], after, size)
    except DomainError as exc:
        if exc.status != 422:
            raise
        context |= {"rows": [], "communities": {}, "problems": form_problems(exc)}
        return render(request, "people/list.html", status_code=422, **context)
    communities = repository.jurisdictions_by_ids(ctx.session, [p.community_id for p in page.items])
    context |= {"rows": page.items, "communities": communities, "problems": [], "next_after": page.next_after}
    if page.next_after is not None and not (filters["id_number"] or filters["phone"]):
        kept = {k: v for k, v in filters.items() if v}
        context["next_url"] = "/people?" + urlencode({**kept, "after": page.next_after})
    return render(request, "people/list.html", **context)


@router.get("/people")
def search(
    request: Request,
    q: str = "",
    community: str = "",
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return _list(request, ctx, {"q": q, "id_number": "", "phone": "", "community": community}, after)


@router.post("/people", dependencies=[Depends(check_csrf)])
def search_submit(
    request: Request,
    q: str = Form(""),
    id_number: str = Form(""),
    phone: str = Form(""),
    community: str = Form(""),
    after: int | None = Form(None),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    filters = {"q": q, "id_number": id_number, "phone": phone, "community": community}
    response = _list(request, ctx, filters, after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form(request: Request, ctx: Ctx, form: dict[str, str], problems: list[Problem], status: int) -> Response:
    return render(
        request,
        "people/new.html",
        status_code=status,
        form=form,
        problems=problems,
        communities=_communities(ctx),
        id_kinds=ID_KINDS,
    )


@router.get("/people/new")
def new_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(service.WRITE)
    return _form(request, ctx, {"id_kind": "resident_id"}, [], 200)


@router.post("/people/new", dependencies=[Depends(check_csrf)])
def new_submit(
    request: Request,
    name: str = Form(""),
    id_kind: str = Form("resident_id"),
    id_number: str = Form(""),
    phone: str = Form(""),
    community_code: str = Form(""),
    household_code: str = Form(""),
    address: str = Form(""),
    nationality: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    data = service.PersonInput(
        name, id_number, id_kind, phone, None, community_code, household_code, address, nationality
    )
    try:
        person = service.create_person(ctx, data)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        ctx.session.rollback()
        form = {
            "name": name,
            "id_kind": id_kind,
            "id_number": id_number,
            "phone": phone,
            "community_code": community_code,
            "household_code": household_code,
            "address": address,
            "nationality": nationality,
        }
        return _form(request, ctx, form, form_problems(exc), exc.status)
    return RedirectResponse(f"/people/{person.id}?created=1", status_code=303)


@router.get("/people/import")
def import_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(service.IMPORT)
    return render(request, "people/import.html", report=None, problems=[])


@router.post("/people/import", dependencies=[Depends(check_csrf)])
def import_submit(
    request: Request, file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        report = import_people(ctx, file.filename or "upload.csv", read_upload(file), dry_run)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return render(
            request, "people/import.html", status_code=exc.status, report=None, problems=form_problems(exc)
        )
    return render(request, "people/import.html", report=report, problems=report.problems or [])


@router.post("/people/export", dependencies=[Depends(check_csrf)])
def export_submit(
    format: str = Form("csv"),
    reveal: bool = Form(False),
    q: str = Form(""),
    id_number: str = Form(""),
    phone: str = Form(""),
    community: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The search page's list as a file, with its filters (sent in the body: numbers stay out of URLs)."""
    response = export_people(ctx, format, reveal, q, id_number, phone, None, community)
    response.headers["Cache-Control"] = "no-store"
    return response


def person_view(
    request: Request,
    ctx: Ctx,
    person_id: int,
    problems: list[Problem] | None = None,
    status: int = 200,
    revealed: service.Revealed | None = None,
    notice: str = "",
) -> Response:
    ctx.actor.require(service.READ)
    person = access_person(ctx.session, ctx.actor, person_id)
    places = repository.jurisdictions_by_ids(ctx.session, [person.community_id])
    household = repository.households_by_ids(
        ctx.session, [person.household_id] if person.household_id else []
    )
    members = repository.members(ctx.session, person.household_id) if person.household_id else []
    return render(
        request,
        "people/view.html",
        status_code=status,
        person=person,
        community=places.get(person.community_id),
        household=household.get(person.household_id or 0),
        members=[m for m in members if m.id != person.id],
        revealed=revealed,
        problems=problems or [],
        notice=notice,
        communities=_communities(ctx) if ctx.actor.can(service.WRITE) else [],
        id_kinds=ID_KINDS,
    )


@router.get("/people/{person_id}")
def view(request: Request, person_id: int, created: bool = False, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return person_view(request, ctx, person_id, notice="created" if created else "")


@router.post("/people/{person_id}", dependencies=[Depends(check_csrf)])
def edit(
    request: Request,
    person_id: int,
    name: str = Form(""),
    id_kind: str = Form(""),
    id_number: str = Form(""),
    phone: str = Form(""),
    community_code: str = Form(""),
    address: str = Form(""),
    nationality: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """Blank document number, phone or community keep what is stored (they are shown masked)."""
    changes = service.PersonChanges(
        name=name,
        id_kind=id_kind or None,
        id_number=id_number or None,
        phone=phone or None,
        community_code=community_code or None,
        address=address,
        nationality=nationality,
    )
    try:
        service.update_person(ctx, person_id, changes)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        ctx.session.rollback()
        return person_view(request, ctx, person_id, form_problems(exc), exc.status)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/reveal", dependencies=[Depends(check_csrf)])
def reveal(request: Request, person_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Shows the full number once, on this response only (audited); reloading the page hides it again."""
    revealed = service.reveal_identity(ctx, person_id)
    response = person_view(request, ctx, person_id, revealed=revealed)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/me")
def me(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    """A resident's own registrations, masked; fits a phone screen."""
    if ctx.actor.kind == "staff":
        return RedirectResponse("/", status_code=303)
    if ctx.actor.kind != "resident":
        return RedirectResponse("/resident/login", status_code=303)
    people = own_records(ctx.session, ctx.actor)
    places = repository.jurisdictions_by_ids(ctx.session, [p.community_id for p in people])
    records = [
        MyRecord.of(p, places[p.community_id].name if p.community_id in places else "") for p in people
    ]
    return render(request, "me.html", records=records, id_kinds=ID_KINDS)
