"""The landing page: staff see their work at a glance; residents go to their own page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import text

from lianfang.accounts.rules import ROLES
from lianfang.accounts.service import access_user
from lianfang.assignments import repository as assignments_repository
from lianfang.core.context import Ctx
from lianfang.core.web import get_ctx, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    if ctx.actor.kind == "resident":
        return RedirectResponse("/me", status_code=303)
    if ctx.actor.kind != "staff" or ctx.actor.user_id is None:
        return RedirectResponse("/login", status_code=303)
    user, home_jurisdiction = access_user(ctx, ctx.actor.user_id)
    open_count, late_count = assignments_repository.my_work_counts(ctx.session, ctx.actor, ctx.now)
    return render(
        request,
        "home.html",
        user=user,
        home=home_jurisdiction,
        role_names=ROLES[user.role],
        open_count=open_count,
        late_count=late_count,
    )


@router.get("/healthz", include_in_schema=False)
def healthz(ctx: Ctx = Depends(get_ctx, scope="function")) -> dict[str, str]:
    ctx.session.execute(text("SELECT 1"))
    return {"status": "ok"}
