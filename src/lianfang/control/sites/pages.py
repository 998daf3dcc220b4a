"""Pages of isolation sites: capacity per site and in total, creating a site."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.control.pages import form_problems
from lianfang.control.sites import service as sites
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError
from lianfang.core.web import check_csrf, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository

router = APIRouter(include_in_schema=False)


@router.get("/control/sites")
def sites_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    items, rooms, used = sites.capacity(ctx)
    places = (
        jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "", 2000)
        if ctx.actor.scope_path
        else []
    )
    return render(
        request, "control/sites.html", items=items, rooms=rooms, used=used, places=places, problems=[]
    )


@router.post("/control/sites", dependencies=[Depends(check_csrf)])
def create_site_page(
    request: Request,
    name: str = Form(""),
    jurisdiction_id: int = Form(...),
    address: str = Form(""),
    rooms: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    numbers = [n for n in rooms.replace("，", ",").replace("\n", ",").split(",") if n.strip()]
    try:
        sites.create_site(ctx, name, jurisdiction_id, address, numbers)
    except DomainError as exc:
        ctx.session.rollback()
        items, total, used = sites.capacity(ctx)
        return render(
            request,
            "control/sites.html",
            status_code=422,
            items=items,
            rooms=total,
            used=used,
            places=[],
            problems=form_problems(exc),
        )
    return RedirectResponse("/control/sites", status_code=303)
