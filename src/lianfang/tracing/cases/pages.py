"""Pages of cases: the case list and opening a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.assignments.rules import STATE_NAMES as ASSIGNMENT_STATES
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, normalise_id_number
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ
from lianfang.tracing.cases import service, views

router = APIRouter(include_in_schema=False)


NAMES = {
    "statuses": rules.STATUSES,
    "verbs": {k: v[2] for k, v in rules.CASE_VERBS.items()},
    "classifications": rules.CLASSIFICATIONS,
    "found_by": rules.FOUND_BY,
    "sources": rules.SOURCES,
    "categories": rules.CATEGORIES,
    "contact_statuses": rules.CONTACT_STATUSES,
    "reasons": rules.REASONS,
    "modes": rules.TRANSPORT_MODES,
    "routes": rules.ROUTES,
    "settings_names": rules.CLUSTER_SETTINGS,
    "assignment_states": ASSIGNMENT_STATES,
}


def render_tracing(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    return render(request, template, status_code, **NAMES, **context)


def form_time(raw: str, field: str) -> datetime | None:
    """A local date-time from a form (datetime-local), as aware time; empty is None."""
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid([Problem(field, "时间格式无效", "not a valid date and time")]) from None


def _list_view(
    request: Request,
    ctx: Ctx,
    status: str,
    after: int | None,
    problems: list[Problem] | None = None,
    form: dict[str, str] | None = None,
    code: int = 200,
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = repository.cases_page(
        ctx.session, ctx.actor, status if status in rules.STATUSES else None, after, size + 1
    )
    items = rows[:size]
    people = repository.persons_by_ids(ctx.session, [c.person_id for c in items])
    next_url = (
        f"/tracing?{urlencode({'status': status, 'after': items[-1].id})}" if len(rows) > size else None
    )
    return render_tracing(
        request,
        "tracing/list.html",
        code,
        items=items,
        people=people,
        status=status,
        next_url=next_url,
        problems=problems or [],
        form=form or {},
        label=views.person_label,
    )


@router.get("/tracing")
def case_list(request: Request, status: str = "", after: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _list_view(request, ctx, status, int(after) if after.isdigit() else None)


@router.post("/tracing/cases", dependencies=[Depends(check_csrf)])
def case_new(
    request: Request,
    id_number: str = Form(""),
    classification: str = Form("confirmed"),
    found_by: str = Form("community_screening"),
    source: str = Form("unknown"),
    origin: str = Form("manual"),
    onset_at: str = Form(""),
    sampled_at: str = Form(""),
    isolated_at: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    form = {
        "id_number": id_number,
        "onset_at": onset_at,
        "sampled_at": sampled_at,
        "isolated_at": isolated_at,
    }
    try:
        number = normalise_id_number(id_number)
        person = (
            ctx.session.scalar(
                select(Person).where(Person.id_hash == id_hash(ctx.settings, "resident_id", number))
            )
            if number
            else None
        )
        if person is None or not ctx.actor.covers(person.jurisdiction_path):
            raise Invalid(
                [Problem("id_number", "查无此人或不在您的辖区", "no such person in your jurisdiction")]
            )
        data = service.CaseInput(
            person.id,
            classification,
            origin,
            found_by,
            source,
            form_time(onset_at, "onset_at"),
            form_time(sampled_at, "sampled_at"),
            form_time(isolated_at, "isolated_at"),
        )
        case = service.open_case(ctx, data)
    except Invalid as exc:
        ctx.session.rollback()
        return _list_view(request, ctx, "", None, list(exc.problems), form, 422)
    return RedirectResponse(f"/tracing/cases/{case.id}", status_code=303)
