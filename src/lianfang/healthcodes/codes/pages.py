"""Code pages: the resident's page (phone-sized: own code and up to four family codes, the QR, filing an
appeal) and a person's code for staff with its reasons and history (audited)."""

from __future__ import annotations

import io
from typing import Any

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, resident_ctx, staff_ctx
from lianfang.healthcodes import access, rules
from lianfang.healthcodes.appeals import service as appeals
from lianfang.healthcodes.family import service as family
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from lianfang.healthcodes.status import service
from lianfang.healthcodes.status.views import RESULTS, code_view
from lianfang.people.models import Person

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    labels = {"states": appeals.STATES, "channels": appeals.CHANNELS, "results": RESULTS}
    return render(request, template, status_code=status_code, **labels, **context)


def _page(
    request: Request,
    ctx: Ctx,
    person_id: int | None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    own, members = access.resident_people(ctx)
    everyone = own + members
    chosen = next((p for p in everyone if p.id == person_id), everyone[0] if everyone else None)
    if person_id is not None and (chosen is None or chosen.id != person_id):
        chosen = access.resident_person(ctx, person_id)[0]
    view = code_view(ctx, chosen) if chosen is not None else None
    policy = keys.policy(ctx.settings)
    return _render(
        request,
        "healthcodes/me.html",
        status_code=status,
        view=view,
        own=own,
        members=members,
        colours=rules.COLOURS,
        marks=rules.POPUP_MARKS,
        appeals=appeals.appeals_of(ctx, [p.id for p in everyone]),
        appealable=rules.APPEALABLE,
        family_max=access.FAMILY_MAX,
        refresh_seconds=policy.refresh_seconds,
        action=tokens.action_for(view.derived.colour, view.derived.popups) if view else None,
        problems=problems or [],
    )


@router.get("/me/healthcode")
def my_code(request: Request, person: int | None = None, ctx: Ctx = Depends(resident_ctx)) -> Response:
    return _page(request, ctx, person)


@router.get("/me/healthcode/{person_id}/qr.svg")
def my_qr(person_id: int, ctx: Ctx = Depends(resident_ctx)) -> Response:
    """A fresh signed token as a QR code; the page reloads it every refresh interval."""
    person, _channel = access.resident_person(ctx, person_id)
    derived = code_view(ctx, person).derived
    kid, private = keys.current_signer(ctx.session, ctx.settings, ctx.now)
    policy = keys.policy(ctx.settings)
    token = tokens.issue(
        private, kid, person.pseudonym, derived.colour, derived.popups, ctx.now, policy.ttl_seconds
    )
    dark = {"red": "#b00020", "yellow": "#8a6d00", "green": "#0a6b2f"}[derived.colour]
    out = io.BytesIO()
    segno.make(token, error="m").save(
        out, kind="svg", scale=6, border=2, dark=dark, light="#fff", xmldecl=False
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/me/healthcode/{person_id}/appeal", dependencies=[Depends(check_csrf)])
def my_appeal(
    request: Request,
    person_id: int,
    popup: str = Form(""),
    statement: str = Form(""),
    ctx: Ctx = Depends(resident_ctx),
) -> Response:
    person, channel = access.resident_person(ctx, person_id)
    try:
        appeals.file_appeal(ctx, person, popup, statement, channel)
    except DomainError as exc:
        ctx.session.rollback()
        return _page(
            request, ctx, person_id, list(exc.problems) or [Problem("popup", exc.zh, exc.en)], exc.status
        )
    return RedirectResponse(f"/me/healthcode?person={person_id}", status_code=303)


@router.post("/me/healthcode/family", dependencies=[Depends(check_csrf)])
def add_family(
    request: Request,
    name: str = Form(""),
    id_number: str = Form(""),
    relation: str = Form(""),
    ctx: Ctx = Depends(resident_ctx),
) -> Response:
    try:
        person = family.add_member(ctx, name, id_number, relation)
    except DomainError as exc:
        ctx.session.rollback()
        return _page(request, ctx, None, list(exc.problems) or [Problem("id_number", exc.zh, exc.en)], 422)
    return RedirectResponse(f"/me/healthcode?person={person.id}", status_code=303)


@router.post("/me/healthcode/family/{person_id}/remove", dependencies=[Depends(check_csrf)])
def remove_family(person_id: int, ctx: Ctx = Depends(resident_ctx)) -> Response:
    family.remove_member(ctx, person_id)
    return RedirectResponse("/me/healthcode", status_code=303)


def _person_page(
    request: Request, ctx: Ctx, person: Person, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    return _render(
        request,
        "healthcodes/person.html",
        status_code=status,
        view=code_view(ctx, person),
        history=service.history(ctx.session, person.id),
        appeals=appeals.appeals_of(ctx, [person.id]),
        colours=rules.COLOURS,
        marks=rules.POPUP_MARKS,
        appealable=rules.APPEALABLE,
        problems=problems or [],
    )


@router.get("/healthcodes/people/{person_id}")
def person_code(request: Request, person_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _person_page(request, ctx, access.staff_person(ctx, person_id))
