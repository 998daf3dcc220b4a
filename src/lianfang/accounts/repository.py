"""Queries over accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lianfang.accounts.models import AuthSession, LoginAttempt, OneTimeCode, Resident, User
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def resident_by_phone_hash(session: Session, phone_hash: str) -> Resident | None:
    return session.scalar(select(Resident).where(Resident.phone_hash == phone_hash))


def live_session(
    session: Session, digest: str, now: datetime
) -> tuple[AuthSession, User | None, Jurisdiction | None] | None:
    """The live session of a token digest, with its staff user and the user's home jurisdiction (None for
    a resident's session): one statement, since every request of a signed-in caller asks it."""
    row = session.execute(
        select(AuthSession, User, Jurisdiction)
        .outerjoin(User, User.id == AuthSession.user_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
        .where(AuthSession.token_digest == digest)
    ).first()
    if row is None:
        return None
    found, user, home = row
    if found.revoked_at is not None or (found.expires_at is not None and found.expires_at <= now):
        return None
    return found, user, home


def recent_failures(session: Session, key: str, since: datetime) -> int:
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.key == key, LoginAttempt.success.is_(True))
    )
    start = max(since, last_success) if last_success is not None else since
    count = session.scalar(
        select(func.count()).where(
            LoginAttempt.key == key, LoginAttempt.success.is_(False), LoginAttempt.at > start
        )
    )
    return int(count or 0)


def codes_sent_since(session: Session, phone_hash: str, since: datetime) -> int:
    count = session.scalar(
        select(func.count()).where(OneTimeCode.phone_hash == phone_hash, OneTimeCode.created_at > since)
    )
    return int(count or 0)


def latest_code(session: Session, phone_hash: str) -> OneTimeCode | None:
    return session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.phone_hash == phone_hash)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    )


def users_in_scope(
    session: Session, prefix: str, text: str, after_id: int | None, limit: int
) -> list[tuple[User, Jurisdiction]]:
    query = (
        select(User, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
        .where(in_subtree(Jurisdiction.path, prefix))
    )
    if text:
        query = query.where(User.username.contains(text) | User.display_name.contains(text))
    if after_id is not None:
        query = query.where(User.id > after_id)
    return [(u, j) for u, j in session.execute(query.order_by(User.id).limit(limit))]


def api_tokens_of(session: Session, user_id: int) -> list[AuthSession]:
    return list(
        session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.kind == "api")
            .order_by(AuthSession.id.desc())
        )
    )
