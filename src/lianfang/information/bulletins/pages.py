"""Bulletin pages: the office's hub (`/information`), a bulletin (edit, approve, publish, correct,
briefing, figures), policy explanations, and the public information page (信息发布, no sign-in: the
latest published bulletin and earlier ones, the risk areas in force, the policy explanations)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound, Problem
from lianfang.core.web import check_csrf, download, get_ctx, render, staff_ctx
from lianfang.information import rules
from lianfang.information.bulletins import exports
from lianfang.information.bulletins import service as bulletins
from lianfang.information.bulletins import views as figures
from lianfang.information.models import Bulletin, PolicyPage
from lianfang.information.tickets import service as tickets
from lianfang.travel import repository as travel_repository
from lianfang.travel.rules import LEVELS

router = APIRouter(include_in_schema=False)


PAGE = 20


@router.get("/info")
def public_index(
    request: Request, before: int | None = None, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    found = bulletins.public_page(ctx, before, PAGE)
    items = found[:PAGE]
    current = [b for b in items if b.status == "published"]
    areas = travel_repository.active_risk_areas(ctx.session)
    names = travel_repository.place_names(ctx.session, {a.place_code for a in areas})
    return render(
        request,
        "information/public.html",
        latest=current[0] if current and before is None else None,
        items=items,
        next_url=f"/info?before={items[-1].id}" if len(found) > PAGE and items else None,
        areas=areas,
        place_names=names,
        levels=LEVELS,
        policies=bulletins.policies(ctx, published_only=True),
    )


@router.get("/info/bulletins/{bulletin_id}")
def public_bulletin(
    request: Request, bulletin_id: int, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    item = bulletins.public_bulletin(ctx, bulletin_id)
    return render(request, "information/public_bulletin.html", item=item)


@router.get("/info/policies/{policy_id}")
def public_policy(
    request: Request, policy_id: int, ctx: Ctx = Depends(get_ctx, scope="function")
) -> Response:
    page = ctx.session.get(PolicyPage, policy_id)
    if page is None or not page.published:
        raise NotFound("政策解读", "policy page")
    return render(request, "information/public_policy.html", page=page)


def _to(item: Bulletin) -> RedirectResponse:
    return RedirectResponse(f"/information/bulletins/{item.id}", status_code=303)


def _index(
    request: Request, ctx: Ctx, before: int | None, problems: list[Problem], status: int = 200
) -> Response:
    found = bulletins.page(ctx, before, 30)
    items = found[:30]
    next_url = f"/information?before={items[-1].id}" if len(found) > 30 and items else None
    return render(
        request,
        "information/index.html",
        status_code=status,
        items=items,
        next_url=next_url,
        statuses=rules.STATUSES,
        yesterday=local_date(ctx.now) - timedelta(days=1),
        problems=problems,
        can_write=ctx.actor.can(bulletins.WRITE),
    )


@router.get("/information")
def index(request: Request, before: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _index(request, ctx, before, [])


@router.post("/information/bulletins", dependencies=[Depends(check_csrf)])
def generate(request: Request, day: str = Form(""), ctx: Ctx = Depends(staff_ctx)) -> Response:
    try:
        try:
            parsed = date.fromisoformat(day.strip())
        except ValueError:
            raise Invalid(
                [Problem("day", "日期格式应为YYYY-MM-DD", "the day is written YYYY-MM-DD")]
            ) from None
        item = bulletins.generate(ctx, parsed)
    except Invalid as exc:
        ctx.session.rollback()
        return _index(request, ctx, None, list(exc.problems), 422)
    return _to(item)


def _detail(
    request: Request, ctx: Ctx, item: Bulletin, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "information/bulletin.html",
        status_code=status,
        item=item,
        rows=figures.rows(item.figures),
        versions=bulletins.versions(ctx, item),
        statuses=rules.STATUSES,
        editable=item.status in rules.EDITABLE,
        can_write=ctx.actor.can(bulletins.WRITE),
        can_approve=ctx.actor.can(bulletins.APPROVE),
        problems=problems or [],
    )


@router.get("/information/bulletins/{bulletin_id}")
def detail(request: Request, bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _detail(request, ctx, bulletins.access_bulletin(ctx, bulletin_id))


@router.post("/information/bulletins/{bulletin_id}", dependencies=[Depends(check_csrf)])
def edit(
    request: Request,
    bulletin_id: int,
    title_zh: str = Form(""),
    title_en: str = Form(""),
    body_zh: str = Form(""),
    body_en: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        item = bulletins.edit(ctx, bulletin_id, bulletins.TextInput(title_zh, title_en, body_zh, body_en))
    except Invalid as exc:
        ctx.session.rollback()
        return _detail(request, ctx, bulletins.access_bulletin(ctx, bulletin_id), list(exc.problems), 422)
    return _to(item)


@router.post("/information/bulletins/{bulletin_id}/approve", dependencies=[Depends(check_csrf)])
def approve(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _to(bulletins.approve(ctx, bulletin_id))


@router.post("/information/bulletins/{bulletin_id}/publish", dependencies=[Depends(check_csrf)])
def publish(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _to(bulletins.publish(ctx, bulletin_id))


@router.post("/information/bulletins/{bulletin_id}/revise", dependencies=[Depends(check_csrf)])
def revise(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _to(bulletins.revise(ctx, bulletin_id))


@router.post("/information/bulletins/{bulletin_id}/regenerate", dependencies=[Depends(check_csrf)])
def regenerate(bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _to(bulletins.regenerate(ctx, bulletin_id))


@router.get("/information/bulletins/{bulletin_id}/briefing")
def briefing(request: Request, bulletin_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    themes = tickets.day_themes(ctx, item.day, item.jurisdiction_path)
    return render(
        request, "information/briefing.html", item=item, points=rules.briefing(item.figures, themes)
    )


@router.get("/information/bulletins/{bulletin_id}/figures")
def figures_export(bulletin_id: int, fmt: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    body, name = exports.export_figures(ctx, bulletin_id, fmt)
    return download(body, fmt, name)


def _policies(
    request: Request,
    ctx: Ctx,
    current: PolicyPage | SimpleNamespace | None,
    problems: list[Problem],
    status: int = 200,
) -> Response:
    return render(
        request,
        "information/policies.html",
        status_code=status,
        items=bulletins.policies(ctx, published_only=False),
        current=current,
        problems=problems,
        can_write=ctx.actor.can(bulletins.WRITE),
    )


@router.get("/information/policies")
def policies(request: Request, edit: int | None = None, ctx: Ctx = Depends(staff_ctx)) -> Response:
    current = None
    if edit is not None:
        current = next((p for p in bulletins.policies(ctx, published_only=False) if p.id == edit), None)
    return _policies(request, ctx, current, [])


@router.post("/information/policies", dependencies=[Depends(check_csrf)])
def save_policy(
    request: Request,
    policy_id: str = Form(""),
    title_zh: str = Form(""),
    title_en: str = Form(""),
    body_zh: str = Form(""),
    body_en: str = Form(""),
    published: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    text = bulletins.TextInput(title_zh, title_en, body_zh, body_en)
    target = int(policy_id) if policy_id.strip().isdigit() else None
    try:
        bulletins.save_policy(ctx, target, text, bool(published))
    except Invalid as exc:
        ctx.session.rollback()
        typed = SimpleNamespace(id=target, published=bool(published), **vars(text))
        return _policies(request, ctx, typed, list(exc.problems), 422)
    return RedirectResponse("/information/policies", status_code=303)
