"""Account use cases: staff users, sign-in with throttling, API tokens, resident one-time codes.

Sign-in and code checks return a result instead of raising, so the record of a failed attempt is
committed with the response (a raised error would roll it back and defeat the throttle)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from lianfang.accounts import repository
from lianfang.accounts.events import ResidentSignedIn
from lianfang.accounts.models import AuthSession, LoginAttempt, OneTimeCode, Resident, User
from lianfang.accounts.rules import password_problem, role_problem, username_problem
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.crypto import token_digest, vault
from lianfang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Problem
from lianfang.core.jobs import enqueue
from lianfang.core.phone import normalise_phone, phone_problem
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


@dataclass(frozen=True)
class SignIn:
    token: str | None
    problem: Problem | None = None
    status: int = 200


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise Invalid(problems)


def create_user(
    ctx: Ctx, username: str, display_name: str, password: str, role: str, jurisdiction_id: int
) -> User:
    ctx.actor.require("accounts.manage")
    username = username.strip().lower()
    problems = [
        p
        for p in (username_problem(username), password_problem(password, username), role_problem(role))
        if p is not None
    ]
    if not display_name.strip():
        problems.append(Problem("display_name", "姓名不能为空", "display name is required"))
    _raise(problems)
    home = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    if repository.user_by_username(ctx.session, username) is not None:
        raise Conflict(f"用户名“{username}”已被使用", f"username {username!r} is taken")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        jurisdiction_id=home.id,
        active=True,
        created_at=ctx.now,
    )
    ctx.session.add(user)
    ctx.session.flush()
    audit.record(ctx, "user.create", "user", user.id, home.path, username=username, role=role)
    return user


def access_user(ctx: Ctx, user_id: int) -> tuple[User, Jurisdiction]:
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound("用户", "user")
    home = ctx.session.get(Jurisdiction, user.jurisdiction_id)
    if home is None or not ctx.actor.covers(home.path):
        raise NotFound("用户", "user")
    return user, home


def update_user(
    ctx: Ctx, user_id: int, display_name: str, role: str, jurisdiction_id: int, active: bool
) -> User:
    ctx.actor.require("accounts.manage")
    user, _ = access_user(ctx, user_id)
    problem = role_problem(role)
    _raise([problem] if problem else [])
    home = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    if user.id == ctx.actor.user_id and (not active or role != user.role):
        raise Forbidden(
            "不能停用自己或更改自己的角色", "you cannot deactivate yourself or change your own role"
        )
    before = {
        "display_name": user.display_name,
        "role": user.role,
        "jurisdiction_id": user.jurisdiction_id,
        "active": user.active,
    }
    user.display_name, user.role, user.jurisdiction_id, user.active = (
        display_name.strip(),
        role,
        home.id,
        active,
    )
    if not active:
        _revoke_all(ctx.session, user.id, ctx)
    audit.record(
        ctx,
        "user.update",
        "user",
        user.id,
        home.path,
        before=before,
        after={"display_name": user.display_name, "role": role, "jurisdiction_id": home.id, "active": active},
    )
    return user


def set_password(ctx: Ctx, user_id: int, new_password: str, current_password: str | None = None) -> None:
    if ctx.actor.user_id == user_id:
        user = ctx.session.get(User, user_id)
        if user is None or current_password is None or not _verify(user.password_hash, current_password):
            raise DomainError("当前密码不正确", "the current password is wrong", 403)
        home_path = None
    else:
        ctx.actor.require("accounts.manage")
        user, home = access_user(ctx, user_id)
        home_path = home.path
    problem = password_problem(new_password, user.username)
    _raise([problem] if problem else [])
    user.password_hash = hash_password(new_password)
    _revoke_all(ctx.session, user.id, ctx, keep_api=True)
    audit.record(ctx, "user.set_password", "user", user.id, home_path)


def _revoke_all(session: Session, user_id: int, ctx: Ctx, keep_api: bool = False) -> None:
    for item in session.query(AuthSession).filter(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    ):
        if keep_api and item.kind == "api":
            continue
        item.revoked_at = ctx.now


def _new_session(
    ctx: Ctx,
    kind: str,
    *,
    user_id: int | None = None,
    resident_id: int | None = None,
    name: str = "",
    hours: float | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    ctx.session.add(
        AuthSession(
            token_digest=token_digest(token),
            kind=kind,
            name=name,
            user_id=user_id,
            resident_id=resident_id,
            created_at=ctx.now,
            expires_at=None if hours is None else ctx.now + timedelta(hours=hours),
            ip=ctx.actor.ip,
        )
    )
    ctx.session.flush()
    return token


def _check_credentials(ctx: Ctx, username: str, password: str) -> User | SignIn:
    """The user when the password is right and no throttle applies, else a failed SignIn."""
    username = username.strip().lower()
    window_start = ctx.now - timedelta(minutes=ctx.settings.login_lock_minutes)
    keys = [f"user:{username}", f"ip:{ctx.actor.ip or '-'}"]
    failures = repository.recent_failures(ctx.session, keys[0], window_start)
    ip_failures = repository.recent_failures(ctx.session, keys[1], window_start)
    if failures >= ctx.settings.login_max_failures or ip_failures >= ctx.settings.login_max_failures * 4:
        minutes = ctx.settings.login_lock_minutes
        return SignIn(
            None,
            Problem(
                "username",
                f"失败次数过多，请{minutes}分钟后再试",
                f"too many failed attempts; try again in {minutes} minutes",
            ),
            429,
        )
    user = repository.user_by_username(ctx.session, username)
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None and user.active
    for key in keys:
        ctx.session.add(LoginAttempt(key=key, at=ctx.now, success=ok))
    if not ok or user is None:
        audit.record(ctx, "auth.login_failed", "user", None, None, username=username)
        return SignIn(None, Problem("password", "用户名或密码错误", "wrong username or password"), 401)
    user.last_login_at = ctx.now
    return user


def login(ctx: Ctx, username: str, password: str) -> SignIn:
    checked = _check_credentials(ctx, username, password)
    if isinstance(checked, SignIn):
        return checked
    token = _new_session(ctx, "browser", user_id=checked.id, hours=ctx.settings.session_hours)
    audit.record(ctx, "auth.login", "user", checked.id, None)
    return SignIn(token)


def token_for_password(ctx: Ctx, username: str, password: str, name: str) -> SignIn:
    """A device or script signs in once and keeps a bearer token until it is revoked."""
    checked = _check_credentials(ctx, username, password)
    if isinstance(checked, SignIn):
        return checked
    token = _new_session(ctx, "api", user_id=checked.id, name=name.strip() or "api")
    audit.record(ctx, "auth.api_token_issue", "user", checked.id, None, name=name.strip() or "api")
    return SignIn(token)


def logout(ctx: Ctx, token: str) -> None:
    live = repository.live_session(ctx.session, token_digest(token), ctx.now)
    if live is not None:
        found = live[0]
        found.revoked_at = ctx.now
        audit.record(
            ctx, "auth.logout", "user" if found.user_id else "resident", found.user_id or found.resident_id
        )


def issue_api_token(ctx: Ctx, user_id: int, name: str) -> str:
    if ctx.actor.user_id != user_id:
        ctx.actor.require("accounts.manage")
        access_user(ctx, user_id)
    if not name.strip():
        raise Invalid([Problem("name", "请为令牌命名（如设备名）", "name the token (e.g. the device)")])
    token = _new_session(ctx, "api", user_id=user_id, name=name.strip())
    audit.record(ctx, "auth.api_token_issue", "user", user_id, None, name=name.strip())
    return token


def revoke_api_token(ctx: Ctx, token_id: int) -> None:
    item = ctx.session.get(AuthSession, token_id)
    if item is None or item.kind != "api" or item.user_id is None:
        raise NotFound("令牌", "token")
    if item.user_id != ctx.actor.user_id:
        ctx.actor.require("accounts.manage")
        access_user(ctx, item.user_id)
    item.revoked_at = ctx.now
    audit.record(ctx, "auth.api_token_revoke", "user", item.user_id, None, token_id=token_id)


def request_resident_code(ctx: Ctx, phone: str) -> None:
    problem = phone_problem(phone)
    _raise([problem] if problem else [])
    phone = normalise_phone(phone)
    keys = vault(ctx.settings)
    phone_hash = keys.lookup_hash("phone", phone)
    if repository.codes_sent_since(ctx.session, phone_hash, ctx.now - timedelta(seconds=60)) > 0:
        raise DomainError("验证码已发送，请1分钟后再试", "a code was just sent; wait a minute", 429)
    if repository.codes_sent_since(ctx.session, phone_hash, ctx.now - timedelta(hours=1)) >= 5:
        raise DomainError(
            "发送次数过多，请1小时后再试", "too many codes requested; try again in an hour", 429
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    ctx.session.add(
        OneTimeCode(
            phone_hash=phone_hash,
            code_digest=token_digest(f"{phone_hash}:{code}"),
            created_at=ctx.now,
            expires_at=ctx.now + timedelta(minutes=ctx.settings.otp_minutes),
        )
    )
    text = f"【联防】您的验证码是{code}，{ctx.settings.otp_minutes}分钟内有效。Your lianfang code is {code}."
    enqueue(ctx, "sms.send", {"to": keys.seal(phone), "text": keys.seal(text)})


def verify_resident_code(ctx: Ctx, phone: str, code: str) -> SignIn:
    problem = phone_problem(phone)
    if problem is not None:
        return SignIn(None, problem, 422)
    phone = normalise_phone(phone)
    keys = vault(ctx.settings)
    phone_hash = keys.lookup_hash("phone", phone)
    item = repository.latest_code(ctx.session, phone_hash)
    wrong = Problem("code", "验证码错误或已过期", "the code is wrong or has expired")
    if item is None or item.used_at is not None or item.expires_at <= ctx.now or item.attempts >= 5:
        return SignIn(None, wrong, 401)
    item.attempts += 1
    if not hmac.compare_digest(item.code_digest, token_digest(f"{phone_hash}:{code.strip()}")):
        return SignIn(None, wrong, 401)
    item.used_at = ctx.now
    resident = repository.resident_by_phone_hash(ctx.session, phone_hash)
    if resident is None:
        resident = Resident(phone_hash=phone_hash, phone_sealed=keys.seal(phone), created_at=ctx.now)
        ctx.session.add(resident)
        ctx.session.flush()
    resident.last_login_at = ctx.now
    token = _new_session(ctx, "browser", resident_id=resident.id, hours=ctx.settings.session_hours)
    audit.record(ctx, "auth.resident_login", "resident", resident.id, None)
    ctx.publish(ResidentSignedIn(resident.id, phone_hash))
    return SignIn(token)
