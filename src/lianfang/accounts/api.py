"""JSON API for accounts: tokens for devices, users, resident one-time codes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from lianfang.accounts import repository, service
from lianfang.accounts.schemas import (
    MeRead,
    PhoneCode,
    PhoneRequest,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Unauthenticated
from lianfang.core.hot import presented_token
from lianfang.core.web import error_json, get_ctx, staff_ctx

router = APIRouter(prefix="/api", tags=["accounts"])


def _fail(result: service.SignIn) -> DomainError:
    assert result.problem is not None
    return DomainError(result.problem.zh, result.problem.en, result.status, [result.problem])


@router.post("/auth/token", response_model=TokenRead)
def token_for_password(
    body: TokenRequest, ctx: Ctx = Depends(get_ctx, scope="function")
) -> TokenRead | JSONResponse:
    """Exchange a username and password for a bearer token (devices and scripts)."""
    result = service.token_for_password(ctx, body.username, body.password, body.name)
    if result.token is None:
        return error_json(_fail(result))  # returned, not raised: the failed attempt is committed
    return TokenRead(token=result.token)


@router.post("/auth/logout", status_code=204)
def api_logout(request: Request, ctx: Ctx = Depends(get_ctx, scope="function")) -> Response:
    token = presented_token(request)
    if token is None:
        raise Unauthenticated()
    service.logout(ctx, token)
    return Response(status_code=204)


@router.get("/me", response_model=MeRead)
def me(ctx: Ctx = Depends(get_ctx, scope="function")) -> MeRead:
    if ctx.actor.kind == "anonymous":
        raise Unauthenticated()
    a = ctx.actor
    return MeRead(
        kind=a.kind,
        label=a.label,
        user_id=a.user_id,
        resident_id=a.resident_id,
        role=a.role,
        jurisdiction_id=a.jurisdiction_id,
        permissions=sorted(a.permissions),
    )


@router.get("/users", response_model=UserPage)
def list_users(
    q: str = "", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> UserPage:
    ctx.actor.require("accounts.manage")
    assert ctx.actor.scope_path is not None
    limit = max(1, min(limit, 500))
    rows = repository.users_in_scope(ctx.session, ctx.actor.scope_path, q.strip(), after, limit + 1)
    items = [UserRead.model_validate(u) for u, _ in rows[:limit]]
    return UserPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, ctx: Ctx = Depends(staff_ctx)) -> UserRead:
    user = service.create_user(
        ctx, body.username, body.display_name, body.password, body.role, body.jurisdiction_id
    )
    return UserRead.model_validate(user)


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: int, ctx: Ctx = Depends(staff_ctx)) -> UserRead:
    ctx.actor.require("accounts.manage")
    user, _ = service.access_user(ctx, user_id)
    return UserRead.model_validate(user)


@router.put("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, ctx: Ctx = Depends(staff_ctx)) -> UserRead:
    user = service.update_user(ctx, user_id, body.display_name, body.role, body.jurisdiction_id, body.active)
    return UserRead.model_validate(user)


@router.post("/resident/code", status_code=202)
def resident_code(body: PhoneRequest, ctx: Ctx = Depends(get_ctx, scope="function")) -> dict[str, str]:
    """Send a one-time sign-in code by SMS (printed to the log in development)."""
    service.request_resident_code(ctx, body.phone)
    return {"status": "sent"}


@router.post("/resident/verify", response_model=TokenRead)
def resident_verify(
    body: PhoneCode, ctx: Ctx = Depends(get_ctx, scope="function")
) -> TokenRead | JSONResponse:
    result = service.verify_resident_code(ctx, body.phone, body.code)
    if result.token is None:
        return error_json(_fail(result))  # returned, not raised: the attempt counter is committed
    return TokenRead(token=result.token)
