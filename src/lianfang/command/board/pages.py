"""Pages of the supervision board (with urging) and the leader's view."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.command.board.refresh import refresh_now
from lianfang.command.board.views import board_view, leader_view
from lianfang.command.meetings import service as meetings_service
from lianfang.command.pages import assignment_kind_names, page
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.web import apply_selection, check_csrf, staff_ctx

router = APIRouter(include_in_schema=False)


@router.get("/command/board")
def board(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    view = board_view(ctx)
    return page(request, "board.html", view=view, now=ctx.now, kind_names=assignment_kind_names())


@router.post("/command/board/refresh", dependencies=[Depends(check_csrf)])
def board_refresh(ctx: Ctx = Depends(staff_ctx)) -> Response:
    refresh_now(ctx)
    return RedirectResponse("/command/board", status_code=303)


@router.post("/command/board/urge", dependencies=[Depends(check_csrf)])
def board_urge(
    request: Request, ids: list[str] = Form([]), text: str = Form(""), ctx: Ctx = Depends(staff_ctx)
) -> Response:
    def again(problems: list[Problem]) -> Response:
        view = board_view(ctx)
        return page(
            request,
            "board.html",
            422,
            view=view,
            now=ctx.now,
            kind_names=assignment_kind_names(),
            problems=problems,
        )

    return apply_selection(
        ctx,
        ids,
        lambda chosen: meetings_service.urge(ctx, chosen, text),
        again=again,
        done=lambda _urged: RedirectResponse("/command/board", status_code=303),
    )


@router.get("/command/leader")
def leader(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return page(
        request, "leader.html", districts=leader_view(ctx), now=ctx.now, kind_names=assignment_kind_names()
    )
