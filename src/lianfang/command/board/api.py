"""JSON API of the supervision board and its refresh."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from lianfang.command.board.views import BoardLine, board_view
from lianfang.command.schemas import (
    BoardLineRead,
    BoardRead,
    IncidentRead,
)
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter(prefix="/api/command", tags=["command"])


@router.get("/board", response_model=BoardRead)
def board(ctx: Ctx = Depends(staff_ctx)) -> BoardRead:
    """Per district and working group: open and late assignments of every kind, and per day the items
    due, completed and completed on time (pre-aggregated by the worker every minute)."""
    view = board_view(ctx)
    return BoardRead(
        refreshed_at=view.refreshed_at,
        districts=[_line(line) for line in view.districts],
        groups=[_line(line) for line in view.groups],
        open_incidents=[IncidentRead.model_validate(i) for i in view.incidents],
        escalated_assignment_ids=[a.id for a in view.escalated],
    )


def _line(line: BoardLine) -> BoardLineRead:
    return BoardLineRead(
        key_type=line.key_type,
        key=line.key,
        name=line.name,
        open=line.open,
        late=line.late,
        by_kind={kind: list(counts) for kind, counts in line.by_kind.items()},
        days=line.days,
        rate_today=line.rate,
        rate_window=line.window_rate,
    )


@router.post("/board/refresh", status_code=204)
def refresh_board(ctx: Ctx = Depends(staff_ctx)) -> Response:
    from lianfang.command.board.refresh import refresh_now

    refresh_now(ctx)
    return Response(status_code=204)
