"""Pages for units: search, register, view and edit, officers, import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.accounts import repository as accounts_repository
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Forbidden, Invalid, Problem
from lianfang.core.web import check_csrf, read_upload, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.units import imports, repository, service
from lianfang.units.access import IMPORT, STAFF, WRITE, access_unit, units_rows
from lianfang.units.rules import KINDS, PLACING_KINDS, ROLES
from lianfang.units.staff import imports as staff_imports

router = APIRouter(include_in_schema=False)


def _communities(ctx: Ctx) -> list[Jurisdiction]:
    if ctx.actor.scope_path is None:
        return []
    return jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "community", 2000)


def form_problems(exc: DomainError) -> list[Problem]:
    return list(exc.problems) or [Problem("", exc.zh, exc.en)]


@router.get("/units")
def units_page(
    request: Request,
    q: str = "",
    kind: str = "",
    community_id: int | None = None,
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    size = ctx.settings.page_size
    query = repository.unit_query(ctx.session, q, kind, community_id)
    rows = units_rows(ctx.session, ctx.actor, query, after, size + 1)
    kept = {k: v for k, v in {"q": q, "kind": kind, "community_id": community_id or ""}.items() if v != ""}
    next_url = None
    if len(rows) > size:
        next_url = "/units?" + urlencode({**kept, "after": rows[size - 1].id})
    return render(
        request,
        "units/list.html",
        rows=rows[:size],
        f={"q": q, "kind": kind, "community_id": community_id},
        kinds=KINDS,
        communities=_communities(ctx),
        next_url=next_url,
        export_query="&" + urlencode(kept) if kept else "",
    )


def _form_page(
    request: Request, ctx: Ctx, form: dict[str, object], problems: list[Problem], status: int
) -> Response:
    return render(
        request,
        "units/new.html",
        status_code=status,
        form=form,
        problems=problems,
        kinds=KINDS,
        communities=_communities(ctx),
    )


@router.get("/units/new")
def new_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(WRITE)
    return _form_page(request, ctx, {}, [], 200)


@router.post("/units/new", dependencies=[Depends(check_csrf)])
def new_submit(
    request: Request,
    code: str = Form(""),
    name: str = Form(""),
    kind: str = Form(""),
    community_id: int = Form(0),
    address: str = Form(""),
    contact_name: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    data = service.UnitInput(code, name, kind, community_id, "", address, contact_name)
    try:
        unit = service.create_unit(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _form_page(request, ctx, asdict(data), exc.problems, 422)
    return RedirectResponse(f"/units/{unit.id}", status_code=303)


@router.get("/units/import")
def import_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    if not (ctx.actor.can(IMPORT) or ctx.actor.can(STAFF)):
        raise Forbidden()
    return render(request, "units/import.html", report=None, what="units", problems=[])


@router.post("/units/import", dependencies=[Depends(check_csrf)])
def import_submit(
    request: Request,
    file: UploadFile = File(...),
    what: str = Form("units"),
    dry_run: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    run = staff_imports.import_staff if what == "staff" else imports.import_units
    try:
        report = run(ctx, file.filename or "upload.csv", read_upload(file), dry_run)
    except DomainError as exc:
        ctx.session.rollback()
        return render(
            request,
            "units/import.html",
            status_code=exc.status,
            report=None,
            what=what,
            problems=form_problems(exc),
        )
    return render(request, "units/import.html", report=report, what=what, problems=report.problems or [])


def unit_view(
    request: Request,
    ctx: Ctx,
    unit_id: int,
    problems: list[Problem] | None = None,
    status: int = 200,
    staff_after: int | None = None,
    placed_after: int | None = None,
    member_form: Mapping[str, object] | None = None,
) -> Response:
    unit = access_unit(ctx.session, ctx.actor, unit_id)
    size = ctx.settings.page_size
    members = repository.staff_page(ctx.session, unit.id, staff_after, size + 1)
    placed = (
        repository.placements_page(ctx.session, unit.id, placed_after, size + 1)
        if unit.kind in PLACING_KINDS
        else []
    )
    staff_next = (
        f"/units/{unit.id}?staff_after={members[size - 1].membership.id}" if len(members) > size else None
    )
    placed_next = (
        f"/units/{unit.id}?placed_after={placed[size - 1].membership.id}#placed"
        if len(placed) > size
        else None
    )
    return render(
        request,
        "units/view.html",
        status_code=status,
        unit=unit,
        community=ctx.session.get(Jurisdiction, unit.community_id),
        members=members[:size],
        staff_next=staff_next,
        placed=placed[:size],
        placed_next=placed_next,
        placing=unit.kind in PLACING_KINDS,
        officers=repository.officers_of(ctx.session, unit.id),
        kinds=KINDS,
        roles=ROLES,
        communities=_communities(ctx) if ctx.actor.can(WRITE) else [],
        can_edit=ctx.actor.can(WRITE),
        can_staff=ctx.actor.can(WRITE) or ctx.actor.can(STAFF),
        problems=problems or [],
        member_form=member_form or {},
    )


@router.get("/units/{unit_id}")
def view(
    request: Request,
    unit_id: int,
    staff_after: int | None = None,
    placed_after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return unit_view(request, ctx, unit_id, staff_after=staff_after, placed_after=placed_after)


def unit_redirect(unit_id: int, anchor: str = "") -> Response:
    return RedirectResponse(f"/units/{unit_id}{anchor}", status_code=303)


@router.post("/units/{unit_id}", dependencies=[Depends(check_csrf)])
def edit(
    request: Request,
    unit_id: int,
    name: str = Form(""),
    kind: str = Form(""),
    community_id: int = Form(0),
    address: str = Form(""),
    contact_name: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.update_unit(
            ctx, unit_id, service.UnitInput("", name, kind, community_id, "", address, contact_name)
        )
    except Invalid as exc:
        ctx.session.rollback()
        return unit_view(request, ctx, unit_id, exc.problems, 422)
    return unit_redirect(unit_id)


@router.post("/units/{unit_id}/active", dependencies=[Depends(check_csrf)])
def set_active(
    request: Request, unit_id: int, active: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        service.set_unit_active(ctx, unit_id, active)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        ctx.session.rollback()
        return unit_view(request, ctx, unit_id, form_problems(exc), exc.status)
    return unit_redirect(unit_id)


@router.post("/units/{unit_id}/officers", dependencies=[Depends(check_csrf)])
def link_officer(
    request: Request, unit_id: int, username: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(WRITE)
    user = accounts_repository.user_by_username(ctx.session, username.strip().lower())
    try:
        if user is None:
            raise Invalid([Problem("username", "找不到该账号", "no such account")])
        service.link_officer(ctx, unit_id, user.id)
    except DomainError as exc:
        if exc.status == 403:
            raise
        ctx.session.rollback()
        problems = form_problems(exc) if exc.status != 404 else [Problem("username", exc.zh, exc.en)]
        return unit_view(request, ctx, unit_id, problems, 422 if exc.status == 404 else exc.status)
    return unit_redirect(unit_id, "#officers")


@router.post("/units/{unit_id}/officers/{user_id}/unlink", dependencies=[Depends(check_csrf)])
def unlink_officer(unit_id: int, user_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.unlink_officer(ctx, unit_id, user_id)
    return unit_redirect(unit_id, "#officers")
