"""JSON API of proposals: list, read, confirm."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.control import repository
from lianfang.control.access import READ, access_proposal
from lianfang.control.models import ControlProposal
from lianfang.control.proposals import service as proposals
from lianfang.control.schemas import (
    ProposalRead,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.jurisdictions.access import subtree_filter

router = APIRouter(prefix="/api/control", tags=["control"])


@router.get("/proposals")
def list_proposals(
    status: str = "proposed", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, ControlProposal.jurisdiction_path)
    rows = repository.proposals(ctx.session, scope, status, after, 50)
    items = [ProposalRead.model_validate(p).model_dump(mode="json") for p in rows[:50]]
    return {"items": items, "next_after": items[-1]["id"] if len(rows) > 50 else None}


@router.get("/proposals/{proposal_id}", response_model=ProposalRead)
def get_proposal(proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> ProposalRead:
    ctx.actor.require(READ)
    return ProposalRead.model_validate(access_proposal(ctx.session, ctx.actor, proposal_id))


@router.post("/proposals/{proposal_id}/confirm", response_model=ProposalRead)
def confirm(proposal_id: int, ctx: Ctx = Depends(staff_ctx)) -> ProposalRead:
    return ProposalRead.model_validate(proposals.confirm(ctx, proposal_id))
