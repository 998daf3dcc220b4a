"""Pages of proposals: the list, one proposal with the tests it orders, and confirming it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.control import repository
from lianfang.control.access import READ, access_proposal
from lianfang.control.models import ControlProposal
from lianfang.control.pages import form_problems
from lianfang.control.proposals import service as proposals
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people.models import Person

router = APIRouter(include_in_schema=False)


@router.get("/control/proposals")
def proposals_page(
    request: Request, status: str = "proposed", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, ControlProposal.jurisdiction_path)
    rows = repository.proposals(ctx.session, scope, status, after, 50)
    next_url = f"/control/proposals?status={status}&after={rows[49].id}" if len(rows) > 50 else None
    return render(request, "control/proposals.html", rows=rows[:50], status=status, next_url=next_url)


def _proposal(
    request: Request, ctx: Ctx, proposal_id: int, problems: list[Problem] | None = None
) -> Response:
    ctx.actor.require(READ)
    item = access_proposal(ctx.session, ctx.actor, proposal_id)
    return render(
        request,
        "control/proposal.html",
        status_code=422 if problems else 200,
        item=item,
        person=ctx.session.get(Person, item.person_id),
        problems=problems or [],
    )


@router.get("/control/proposals/{proposal_id}")
def proposal_page(request: Request, proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _proposal(request, ctx, proposal_id)


@router.get("/control/proposals/{proposal_id}/tests")
def proposal_tests_page(request: Request, proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The people in range to test: only those in the actor's scope are listed (names masked by scope)."""
    ctx.actor.require(READ)
    item = access_proposal(ctx.session, ctx.actor, proposal_id)
    ids = item.test_person_ids[:5000]
    people = (
        [
            p
            for p in ctx.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id))
            if ctx.actor.covers(p.jurisdiction_path)
        ]
        if ids
        else []
    )
    return render(request, "control/proposal_tests.html", item=item, people=people)


@router.post("/control/proposals/{proposal_id}/confirm", dependencies=[Depends(check_csrf)])
def confirm_page(request: Request, proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    try:
        proposals.confirm(ctx, proposal_id)
    except DomainError as exc:
        ctx.session.rollback()
        return _proposal(request, ctx, proposal_id, form_problems(exc))
    return RedirectResponse(f"/control/proposals/{proposal_id}", status_code=303)
