"""JSON API of bulletins (generate, edit, approve, publish, correct, briefing, figures export) and the
public list of published bulletins (no sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import download, get_ctx, staff_ctx
from lianfang.information import rules
from lianfang.information.bulletins import exports
from lianfang.information.bulletins import service as bulletins
from lianfang.information.schemas import (
    BriefingOut,
    BulletinOut,
    BulletinPage,
    GenerateIn,
    TextIn,
)
from lianfang.information.tickets import service as tickets

router = APIRouter(prefix="/api/information", tags=["information"])


def _out(item: object) -> BulletinOut:
    return BulletinOut.model_validate(item)


@router.get("/bulletins", response_model=BulletinPage)
def list_bulletins(before: int | None = None, limit: int = 30, ctx: Ctx = Depends(staff_ctx)) -> BulletinPage:
    found = bulletins.page(ctx, before, min(max(limit, 1), 100))
    more = len(found) > min(max(limit, 1), 100)
    items = found[: min(max(limit, 1), 100)]
    return BulletinPage(items=[_out(b) for b in items], next_before=items[-1].id if more and items else None)


@router.post("/bulletins", response_model=BulletinOut, status_code=201)
def generate(data: GenerateIn, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.generate(ctx, data.day))


@router.get("/bulletins/{bulletin_id}", response_model=BulletinOut)
def get_bulletin(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.access_bulletin(ctx, bulletin_id))


@router.patch("/bulletins/{bulletin_id}", response_model=BulletinOut)
def edit(bulletin_id: int, data: TextIn, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.edit(ctx, bulletin_id, bulletins.TextInput(**data.model_dump())))


@router.post("/bulletins/{bulletin_id}/regenerate", response_model=BulletinOut)
def regenerate(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.regenerate(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/approve", response_model=BulletinOut)
def approve(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.approve(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/publish", response_model=BulletinOut)
def publish(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.publish(ctx, bulletin_id))


@router.post("/bulletins/{bulletin_id}/revise", response_model=BulletinOut, status_code=201)
def revise(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BulletinOut:
    return _out(bulletins.revise(ctx, bulletin_id))


@router.get("/bulletins/{bulletin_id}/briefing", response_model=BriefingOut)
def briefing(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> BriefingOut:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    themes = tickets.day_themes(ctx, item.day, item.jurisdiction_path)
    return BriefingOut(bulletin_id=item.id, points=rules.briefing(item.figures, themes))


@router.get("/bulletins/{bulletin_id}/figures")
def figures_export(bulletin_id: int, fmt: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    body, name = exports.export_figures(ctx, bulletin_id, fmt)
    return download(body, fmt, name)


@router.get("/public/bulletins", response_model=BulletinPage)
def public_bulletins(
    before: int | None = None, ctx: Ctx = Depends(get_ctx, scope="function")
) -> BulletinPage:
    found = bulletins.public_page(ctx, before, 20)
    items = found[:20]
    return BulletinPage(items=[_out(b) for b in items], next_before=items[-1].id if len(found) > 20 else None)
