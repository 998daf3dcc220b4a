"""Who is calling: a bearer token (devices, API clients) or the session cookie (pages)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from lianfang.accounts import repository
from lianfang.accounts.models import User
from lianfang.accounts.rules import permissions_for
from lianfang.core.access import ANONYMOUS, Actor
from lianfang.core.clock import utcnow
from lianfang.core.crypto import token_digest
from lianfang.core.errors import DomainError
from lianfang.core.hot import SESSION_COOKIE, presented_token
from lianfang.core.jobs import Runtime
from lianfang.jurisdictions.models import Jurisdiction

COOKIE = SESSION_COOKIE


def staff_actor(session: Session, user: User, ip: str | None, home: Jurisdiction | None = None) -> Actor:
    """The actor of a staff user (`home`: the user's jurisdiction, when the caller has read it)."""
    home = home if home is not None else session.get(Jurisdiction, user.jurisdiction_id)
    return Actor(
        kind="staff",
        label=user.username,
        user_id=user.id,
        role=user.role,
        jurisdiction_id=user.jurisdiction_id,
        scope_path=home.path if home and home.active else None,
        permissions=permissions_for(user.role),
        ip=ip,
    )


def authenticate(session: Session, request: Request, _runtime: Runtime) -> Actor:
    ip = request.client.host if request.client else None
    token = presented_token(request)
    if token is None:
        return ANONYMOUS if ip is None else Actor(kind="anonymous", label="anonymous", ip=ip)
    now = utcnow()
    live = repository.live_session(session, token_digest(token), now)
    if live is None:
        if request.headers.get("authorization"):
            raise DomainError("令牌无效或已过期", "the token is invalid or expired", 401)
        return Actor(kind="anonymous", label="anonymous", ip=ip)
    found, user, home = live
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
        found.last_used_at = now
    request.state.session_token = token
    if found.user_id is not None:
        if user is None or not user.active:
            return Actor(kind="anonymous", label="anonymous", ip=ip)
        return staff_actor(session, user, ip, home)
    return Actor(
        kind="resident",
        label=f"resident:{found.resident_id}",
        resident_id=found.resident_id,
        permissions=frozenset({"self.read"}),
        ip=ip,
    )
