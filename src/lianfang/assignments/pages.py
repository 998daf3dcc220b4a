"""Pages for assignments: my work (and a jurisdiction's items), issue, one item, the supervision board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from lianfang.accounts import repository as accounts_repository
from lianfang.assignments import repository, rules, service
from lianfang.assignments.access import board_view, detail_view
from lianfang.assignments.api import evidence_file, evidence_url
from lianfang.assignments.models import Assignment
from lianfang.core.clock import SHANGHAI, to_local
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import apply_selection, check_csrf, export_download, keyset_batches, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import access_jurisdiction

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """render() with the state and verb names every assignment page shows."""
    names = {"state_names": rules.STATE_NAMES, "verb_names": rules.VERB_NAMES}
    return render(request, template, status_code, **names, **context)


def _int_or_none(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _work_view(
    request: Request,
    ctx: Ctx,
    state: str,
    late: bool,
    jurisdiction_id: int | None,
    after: int | None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
    notice: str = "",
) -> Response:
    ctx.actor.require(service.READ)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id) if jurisdiction_id else None
    where = repository.ListFilter(
        mine=place is None,
        states=() if state == "all" else (state,) if state in rules.STATES else rules.OPEN_STATES,
        late=late,
        owner_prefix=place.path if place else None,
    )
    size = ctx.settings.page_size
    rows = repository.page(ctx.session, ctx.actor, where, ctx.now, after, size + 1)
    items = rows[:size]
    query = {"state": state, "late": "1" if late else "", "jurisdiction_id": jurisdiction_id or ""}
    next_url = f"/work?{urlencode({**query, 'after': items[-1].id})}" if len(rows) > size else None
    reach = place.path if place else ctx.actor.scope_path  # whom the selection may be given to
    return _render(
        request,
        "assignments/work.html",
        status_code=status_code,
        items=items,
        owners=repository.jurisdictions_by_ids(ctx.session, [a.owner_jurisdiction_id for a in items]),
        people=repository.users_by_ids(ctx.session, [a.owner_user_id for a in items]),
        candidates=repository.people_in(ctx.session, reach, service.WORK) if reach else [],
        place=place,
        state=state,
        late=late,
        now=ctx.now,
        next_url=next_url,
        problems=problems or [],
        notice=notice,
    )


WORK_COLUMNS = ("id", "kind", "title", "owner", "owner_user", "state", "deadline", "late", "escalation_level")


@router.get("/work/export")
def work_export(
    format: str = "csv",
    state: str = "",
    late: str = "",
    jurisdiction_id: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The work list as the page shows it (same filters, same scope), CSV or Excel, audited."""
    ctx.actor.require(service.READ)
    place_id = _int_or_none(jurisdiction_id)
    place = access_jurisdiction(ctx.session, ctx.actor, place_id) if place_id else None
    where = repository.ListFilter(
        mine=place is None,
        states=() if state == "all" else (state,) if state in rules.STATES else rules.OPEN_STATES,
        late=bool(late),
        owner_prefix=place.path if place else None,
    )
    batches = keyset_batches(
        lambda after, n: repository.page(ctx.session, ctx.actor, where, ctx.now, after, n), lambda a: a.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            owners = repository.jurisdictions_by_ids(ctx.session, [a.owner_jurisdiction_id for a in batch])
            users = repository.users_by_ids(ctx.session, [a.owner_user_id for a in batch])
            for a in batch:
                owner = owners.get(a.owner_jurisdiction_id)
                user = users.get(a.owner_user_id) if a.owner_user_id else None
                yield [
                    a.id,
                    a.kind,
                    a.title,
                    owner.name if owner else "",
                    getattr(user, "username", "") if user else "",
                    a.state,
                    to_local(a.deadline).isoformat(),
                    rules.is_open(a.state) and a.deadline < ctx.now,
                    a.escalation_level,
                ]

    return export_download(
        ctx,
        format,
        "work",
        WORK_COLUMNS,
        lines(),
        "assignments.export",
        "assignment",
        state=state,
        late=bool(late),
    )


@router.get("/work")
def work(
    request: Request,
    state: str = "",
    late: str = "",
    jurisdiction_id: str = "",
    after: str = "",
    done: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    notice = done if done.isdigit() else ""
    return _work_view(
        request, ctx, state, bool(late), _int_or_none(jurisdiction_id), _int_or_none(after), notice=notice
    )


@router.post("/work/bulk", dependencies=[Depends(check_csrf)])
def work_bulk(
    request: Request,
    action: str = Form("acknowledge"),
    ids: list[str] = Form([]),
    owner_user_id: str = Form(""),
    state: str = Form(""),
    late: str = Form(""),
    jurisdiction_id: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    def apply(chosen: list[int]) -> list[Assignment]:
        if action == "reassign":
            return service.bulk_reassign(ctx, chosen, _int_or_none(owner_user_id))
        return service.bulk_acknowledge(ctx, chosen)

    def done(items: list[Assignment]) -> Response:
        query = {"state": state, "late": late, "jurisdiction_id": jurisdiction_id, "done": len(items)}
        return RedirectResponse(f"/work?{urlencode(query)}", status_code=303)

    place = _int_or_none(jurisdiction_id)
    return apply_selection(
        ctx,
        ids,
        apply,
        again=lambda problems: _work_view(request, ctx, state, bool(late), place, None, problems, 422),
        done=done,
    )


def _new_view(
    request: Request, ctx: Ctx, form: dict[str, object], problems: list[Problem], status_code: int = 200
) -> Response:
    ctx.actor.require(service.ISSUE)
    scope = ctx.actor.scope_path
    choices = jurisdictions_repository.search(ctx.session, scope, "", None, 2000) if scope else []
    return _render(
        request,
        "assignments/new.html",
        status_code=status_code,
        jurisdictions=choices,
        default_deadline=rules.default_deadline(ctx.now),
        form=form,
        problems=problems,
    )


@router.get("/assignments/new")
def new_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _new_view(request, ctx, {"owner_jurisdiction_id": ctx.actor.jurisdiction_id}, [])


def _parse_deadline(raw: str) -> datetime | Problem | None:
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        return Problem("deadline", "截止时间格式无效", "the deadline is not a valid date and time")


@router.post("/assignments/new", dependencies=[Depends(check_csrf)])
def new_submit(
    request: Request,
    title: str = Form(""),
    body: str = Form(""),
    owner_jurisdiction_id: int = Form(0),
    owner_username: str = Form(""),
    owner_group: str = Form(""),
    deadline: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form: dict[str, object] = {
        "title": title,
        "body": body,
        "owner_jurisdiction_id": owner_jurisdiction_id,
        "owner_username": owner_username,
        "owner_group": owner_group,
        "deadline": deadline,
    }
    parsed = _parse_deadline(deadline)
    owner_user_id = None
    if owner_username.strip():
        user = accounts_repository.user_by_username(ctx.session, owner_username.strip().lower())
        owner_user_id = user.id if user else -1  # an unknown name is reported by the service
    try:
        if isinstance(parsed, Problem):
            raise Invalid([parsed])
        item = service.issue_assignment(
            ctx,
            title=title,
            body=body,
            owner_jurisdiction_id=owner_jurisdiction_id,
            deadline=parsed,
            owner_user_id=owner_user_id,
            owner_group=owner_group,
        )
    except Invalid as exc:
        ctx.session.rollback()
        return _new_view(request, ctx, form, list(exc.problems), 422)
    return RedirectResponse(f"/assignments/{item.id}", status_code=303)


@router.get("/assignments/board")
def board_page(
    request: Request, jurisdiction_id: str = "", after: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(service.READ)
    view = board_view(
        ctx.session,
        ctx.actor,
        _int_or_none(jurisdiction_id),
        ctx.now,
        _int_or_none(after),
        ctx.settings.page_size,
    )
    next_url = None
    if view.next_after is not None:
        next_url = f"/assignments/board?jurisdiction_id={view.jurisdiction.id}&after={view.next_after}"
    return _render(request, "assignments/board.html", view=view, next_url=next_url, now=ctx.now)


def _detail(
    request: Request,
    ctx: Ctx,
    assignment_id: int,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> Response:
    ctx.actor.require(service.READ)
    view = detail_view(ctx.session, ctx.actor, assignment_id)
    candidates = []
    if "reassign" in view.actions:
        candidates = repository.people_in(ctx.session, view.item.owner_path, service.WORK)
    return _render(
        request,
        "assignments/detail.html",
        status_code=status_code,
        view=view,
        item=view.item,
        late=rules.is_late(view.item.state, view.item.deadline, ctx.now),
        candidates=candidates,
        evidence_url=evidence_url,
        problems=problems or [],
        local_deadline=to_local(view.item.deadline),
    )


@router.get("/assignments/{assignment_id}")
def detail_page(request: Request, assignment_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _detail(request, ctx, assignment_id)


@router.post("/assignments/{assignment_id}/notes", dependencies=[Depends(check_csrf)])
def note_submit(
    request: Request,
    assignment_id: int,
    text: str = Form(""),
    file: UploadFile | None = File(None),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.add_note(ctx, assignment_id, text, evidence_file(file))
    except Invalid as exc:
        ctx.session.rollback()
        return _detail(request, ctx, assignment_id, list(exc.problems), 422)
    return RedirectResponse(f"/assignments/{assignment_id}", status_code=303)


@router.post("/assignments/{assignment_id}/reassign", dependencies=[Depends(check_csrf)])
def reassign_submit(
    request: Request, assignment_id: int, owner_user_id: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    try:
        service.reassign(ctx, assignment_id, _int_or_none(owner_user_id))
    except Invalid as exc:
        ctx.session.rollback()
        return _detail(request, ctx, assignment_id, list(exc.problems), 422)
    return RedirectResponse(f"/assignments/{assignment_id}", status_code=303)


@router.post("/assignments/{assignment_id}/{verb}", dependencies=[Depends(check_csrf)])
def transition_submit(
    request: Request,
    assignment_id: int,
    verb: str,
    note: str = Form(""),
    file: UploadFile | None = File(None),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.transition(ctx, assignment_id, verb, note, evidence_file(file))
    except Invalid as exc:
        ctx.session.rollback()
        return _detail(request, ctx, assignment_id, list(exc.problems), 422)
    return RedirectResponse(f"/assignments/{assignment_id}", status_code=303)
