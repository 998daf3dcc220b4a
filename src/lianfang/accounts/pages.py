"""Sign-in pages for staff and residents, the account page, and account administration."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from lianfang.accounts import repository, service
from lianfang.accounts.access import COOKIE
from lianfang.accounts.rules import ROLES
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import check_csrf, get_ctx, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository

router = APIRouter(include_in_schema=False)


def _safe_next(raw: str | None) -> str:
    return raw if raw and raw.startswith("/") and not raw.startswith("//") else "/"


def _signed_in(ctx: Ctx, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        max_age=ctx.settings.session_hours * 3600,
        secure=ctx.settings.environment == "production",
    )
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/", ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    return render(request, "login.html", next=_safe_next(next), problems=[], username="")


@router.post("/login")
def login_submit(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    ctx: Ctx = Depends(get_ctx, scope="function"),
) -> Response:
    result = service.login(ctx, username, password)
    if result.token is None:
        return render(
            request,
            "login.html",
            status_code=result.status,
            next=_safe_next(next),
            problems=[result.problem],
            username=username,
        )
    return _signed_in(ctx, result.token, _safe_next(next))


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        service.logout(ctx, token)
    target = "/resident/login" if ctx.actor.kind == "resident" else "/login"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/resident/login")
def resident_login_page(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    return render(request, "resident_login.html", phone="", sent=False, problems=[])


@router.post("/resident/login")
def resident_login_submit(
    request: Request,
    phone: str = Form(""),
    code: str = Form(""),
    ctx: Ctx = Depends(get_ctx, scope="function"),
) -> Response:
    if not code:
        try:
            service.request_resident_code(ctx, phone)
        except DomainError as exc:
            problems = exc.problems or [Problem("phone", exc.zh, exc.en)]
            return render(
                request,
                "resident_login.html",
                status_code=exc.status,
                phone=phone,
                sent=False,
                problems=problems,
            )
        return render(request, "resident_login.html", phone=phone, sent=True, problems=[])
    result = service.verify_resident_code(ctx, phone, code)
    if result.token is None:
        return render(
            request,
            "resident_login.html",
            status_code=result.status,
            phone=phone,
            sent=True,
            problems=[result.problem],
        )
    return _signed_in(ctx, result.token, "/me")


@router.get("/account")
def account_page(request: Request, ctx: Ctx = Depends(staff_ctx), token: str = "") -> Response:
    assert ctx.actor.user_id is not None
    user, home = service.access_user(ctx, ctx.actor.user_id)
    tokens = repository.api_tokens_of(ctx.session, user.id)
    return render(
        request,
        "account.html",
        user=user,
        home=home,
        tokens=tokens,
        new_token=token,
        problems=[],
        role_names=ROLES[user.role],
    )


@router.post("/account/password", dependencies=[Depends(check_csrf)])
def account_password(
    request: Request,
    current_password: str = Form(""),
    new_password: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    assert ctx.actor.user_id is not None
    service.set_password(ctx, ctx.actor.user_id, new_password, current_password)
    return RedirectResponse("/login", status_code=303)


@router.post("/account/tokens", dependencies=[Depends(check_csrf)])
def account_token_issue(request: Request, name: str = Form(""), ctx: Ctx = Depends(staff_ctx)) -> Response:
    assert ctx.actor.user_id is not None
    token = service.issue_api_token(ctx, ctx.actor.user_id, name)
    user, home = service.access_user(ctx, ctx.actor.user_id)
    return render(
        request,
        "account.html",
        user=user,
        home=home,
        new_token=token,
        problems=[],
        tokens=repository.api_tokens_of(ctx.session, user.id),
        role_names=ROLES[user.role],
    )


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(check_csrf)])
def account_token_revoke(token_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    service.revoke_api_token(ctx, token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/users")
def users_page(
    request: Request, q: str = "", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    ctx.actor.require("accounts.manage")
    assert ctx.actor.scope_path is not None
    size = ctx.settings.page_size
    rows = repository.users_in_scope(ctx.session, ctx.actor.scope_path, q.strip(), after, size + 1)
    next_url = f"/users?q={q}&after={rows[size - 1][0].id}" if len(rows) > size else None
    return render(request, "users.html", rows=rows[:size], q=q, next_url=next_url, roles=ROLES)


def _jurisdiction_choices(ctx: Ctx) -> list[object]:
    assert ctx.actor.scope_path is not None
    return list(jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", None, 2000))


@router.get("/users/new")
def user_new_page(request: Request, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require("accounts.manage")
    return render(
        request,
        "user_form.html",
        user=None,
        roles=ROLES,
        problems=[],
        form={},
        jurisdictions=_jurisdiction_choices(ctx),
    )


@router.post("/users/new", dependencies=[Depends(check_csrf)])
def user_new_submit(
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    password: str = Form(""),
    role: str = Form(""),
    jurisdiction_id: int = Form(0),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        user = service.create_user(ctx, username, display_name, password, role, jurisdiction_id)
    except Invalid as exc:
        form = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "jurisdiction_id": jurisdiction_id,
        }
        return render(
            request,
            "user_form.html",
            status_code=422,
            user=None,
            roles=ROLES,
            problems=exc.problems,
            form=form,
            jurisdictions=_jurisdiction_choices(ctx),
        )
    return RedirectResponse(f"/users/{user.id}", status_code=303)


@router.get("/users/{user_id}")
def user_edit_page(request: Request, user_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require("accounts.manage")
    user, _ = service.access_user(ctx, user_id)
    form = {
        "display_name": user.display_name,
        "role": user.role,
        "jurisdiction_id": user.jurisdiction_id,
        "active": user.active,
    }
    return render(
        request,
        "user_form.html",
        user=user,
        roles=ROLES,
        problems=[],
        form=form,
        jurisdictions=_jurisdiction_choices(ctx),
    )


@router.post("/users/{user_id}", dependencies=[Depends(check_csrf)])
def user_edit_submit(
    request: Request,
    user_id: int,
    display_name: str = Form(""),
    role: str = Form(""),
    jurisdiction_id: int = Form(0),
    active: bool = Form(False),
    new_password: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        service.update_user(ctx, user_id, display_name, role, jurisdiction_id, active)
        if new_password:
            service.set_password(ctx, user_id, new_password)
    except Invalid as exc:
        ctx.session.rollback()
        user, _ = service.access_user(ctx, user_id)
        form = {
            "display_name": display_name,
            "role": role,
            "jurisdiction_id": jurisdiction_id,
            "active": active,
        }
        return render(
            request,
            "user_form.html",
            status_code=422,
            user=user,
            roles=ROLES,
            problems=exc.problems,
            form=form,
            jurisdictions=_jurisdiction_choices(ctx),
        )
    return RedirectResponse("/users", status_code=303)
