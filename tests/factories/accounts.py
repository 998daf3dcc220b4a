"""Staff users and signed-in clients for tests."""

from __future__ import annotations

from functools import cache
from itertools import count

from fastapi.testclient import TestClient

from lianfang.accounts.models import User
from lianfang.accounts.service import hash_password
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction

PASSWORD = "correct-horse-battery"
_serial = count(1)


@cache
def _hash() -> str:
    return hash_password(PASSWORD)


def make_user(ctx: Ctx, role: str, home: Jurisdiction, username: str | None = None) -> User:
    """Insert directly (one argon2 hash per run keeps the suite fast); the API tests cover creation."""
    user = User(
        username=username or f"{role.replace('_', '')}{next(_serial)}",
        display_name=f"{role} user",
        password_hash=_hash(),
        role=role,
        jurisdiction_id=home.id,
        active=True,
        created_at=ctx.now,
    )
    ctx.session.add(user)
    ctx.session.flush()
    return user


def bearer(client: TestClient, user: User) -> TestClient:
    """Sign `client` in through the token API and send the token on every request."""
    response = client.post(
        "/api/auth/token", json={"username": user.username, "password": PASSWORD, "name": "t"}
    )
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


def page_login(client: TestClient, user: User) -> TestClient:
    """Sign `client` in through the login form (session cookie)."""
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def csrf_of(client: TestClient, page: str = "/account") -> str:
    """The form token of the last form on `page` (the page's own form, after the header's sign-out form)."""
    html = client.get(page).text
    marker = 'name="csrf_token" value="'
    start = html.rindex(marker) + len(marker)
    token = html[start : html.index('"', start)]
    assert token, f"empty form token on {page}"
    return token
