"""JSON API of cases: list, open, read, edit, move through states, interview entries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import repository
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.cases import service
from lianfang.tracing.models import TracingCase
from lianfang.tracing.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseTransition,
    CaseUpdate,
    ExposureCreate,
)

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


def case_read(ctx: Ctx, case: TracingCase) -> CaseRead:
    read = CaseRead.model_validate(case)
    read.window_start, read.window_end = service.case_window(ctx, case)
    return read


@router.get("/cases", response_model=CasePage)
def list_cases(
    status: str = "", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> CasePage:
    """Cases in the caller's jurisdiction, newest first (keyset: pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    limit = max(1, min(limit, 500))
    rows = repository.cases_page(ctx.session, ctx.actor, status or None, after, limit + 1)
    return CasePage(
        items=[case_read(ctx, c) for c in rows[:limit]],
        next_after=rows[limit - 1].id if len(rows) > limit else None,
    )


@router.post("/cases", response_model=CaseRead, status_code=201)
def create_case(body: CaseCreate, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    return case_read(ctx, service.open_case(ctx, service.CaseInput(**body.model_dump())))


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    ctx.actor.require(READ)
    return case_read(ctx, access_case(ctx.session, ctx.actor, case_id))


@router.patch("/cases/{case_id}", response_model=CaseRead)
def edit_case(case_id: int, body: CaseUpdate, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    return case_read(ctx, service.update_case(ctx, case_id, body.model_dump(exclude_unset=True)))


@router.post("/cases/{case_id}/actions/{verb}", response_model=CaseRead)
def move_case(
    case_id: int, verb: str, body: CaseTransition | None = None, ctx: Ctx = Depends(staff_ctx)
) -> CaseRead:
    """confirm | close | reopen | discard (with `note`)."""
    body = body or CaseTransition()
    return case_read(ctx, service.transition(ctx, case_id, verb, body.note, body.classification))


@router.post("/cases/{case_id}/exposures", status_code=201)
def add_exposure(case_id: int, body: ExposureCreate, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    entry = service.add_exposure(ctx, case_id, service.ExposureInput(**body.model_dump()))
    return {"id": entry.id, "kind": entry.kind, "started_at": entry.started_at, "ended_at": entry.ended_at}
