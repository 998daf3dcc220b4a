"""JSON API of pop-up ① flags with bulk verification."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.travel import access, repository
from lianfang.travel.flags import service as flags
from lianfang.travel.schemas import (
    FlagPage,
    FlagRead,
    VerifyBody,
)

router = APIRouter(tags=["travel"])


@router.get("/api/travel/flags", response_model=FlagPage)
def list_flags(
    state: str | None = "open", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> FlagPage:
    """Pop-up ① flags in the caller's jurisdiction (default: open), keyset-paged."""
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    where = repository.ListFilter(state=state or None)
    rows = repository.flags_page(ctx.session, ctx.actor, where, after, limit + 1)
    items = [FlagRead.model_validate(f) for f in rows[:limit]]
    return FlagPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.post("/api/travel/flags/verify", response_model=list[FlagRead])
def verify_flags(body: VerifyBody, ctx: Ctx = Depends(staff_ctx)) -> list[FlagRead]:
    """Community verification of a selection: every flag cleared, or none with a problem per item."""
    return [FlagRead.model_validate(f) for f in flags.verify_flags(ctx, body.ids, body.note)]
