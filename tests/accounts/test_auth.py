"""Sign-in for staff (pages and tokens), throttling, logout, and residents' one-time codes."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import func, select

from lianfang.accounts.models import AuthSession, OneTimeCode, Resident
from lianfang.core.audit import AuditEntry
from lianfang.core.jobs import Job, tick
from tests.factories.accounts import PASSWORD, bearer, csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city


def test_page_login_sets_a_session_and_logout_ends_it(ctx, client, session):
    city = make_city(ctx)
    user = make_user(ctx, "community_worker", city["110105001001"])
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    page_login(client, user)
    home = client.get("/")
    assert home.status_code == 200 and user.display_name in home.text
    token = csrf_of(client)
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    stored = session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert stored and all(s.revoked_at is not None for s in stored)
    verbs = set(session.scalars(select(AuditEntry.verb)))
    assert {"auth.login", "auth.logout"} <= verbs


def test_wrong_password_is_refused_and_throttled(ctx, client, session):
    city = make_city(ctx)
    user = make_user(ctx, "admin", city["110000"])
    for _ in range(ctx.settings.login_max_failures):
        wrong = client.post("/login", data={"username": user.username, "password": "nope-nope-nope"})
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    locked = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    api = client.post("/api/auth/token", json={"username": user.username, "password": PASSWORD})
    assert api.status_code == 429 and "too many" in api.json()["error"]["message_en"]
    failures = session.scalar(select(func.count()).where(AuditEntry.verb == "auth.login_failed"))
    assert failures == ctx.settings.login_max_failures


def test_bearer_token_works_and_revoked_token_is_refused(ctx, client, new_client):
    city = make_city(ctx)
    user = make_user(ctx, "district_command", city["110105"])
    bearer(client, user)
    me = client.get("/api/me").json()
    assert me["role"] == "district_command" and "registry.read" in me["permissions"]
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/me").status_code == 401
    other = new_client()
    other.headers["Authorization"] = "Bearer made-up"
    assert other.get("/api/me").status_code == 401


def test_disabled_user_cannot_sign_in(ctx, client):
    city = make_city(ctx)
    user = make_user(ctx, "lab", city["110000"])
    user.active = False
    ctx.session.flush()
    response = client.post("/api/auth/token", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401


def test_open_redirect_after_login_is_refused(ctx, client):
    city = make_city(ctx)
    user = make_user(ctx, "lab", city["110000"])
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_resident_signs_in_with_a_one_time_code(ctx, client, runtime, session, caplog):
    assert client.post("/api/resident/code", json={"phone": "12345"}).status_code == 422
    assert client.post("/api/resident/code", json={"phone": "+86 139-1234-5678"}).status_code == 202
    again = client.post("/api/resident/code", json={"phone": "13912345678"})
    assert again.status_code == 429
    with caplog.at_level(logging.WARNING, logger="lianfang.sms"):
        assert tick(runtime, {}, 0.0) >= 1
    sent = re.search(r"验证码是(\d{6})", caplog.text)
    assert sent is not None, caplog.text
    assert session.scalar(select(Job.status).where(Job.kind == "sms.send")) == "done"
    wrong = client.post("/api/resident/verify", json={"phone": "13912345678", "code": "000000"})
    if sent.group(1) != "000000":
        assert wrong.status_code == 401
    ok = client.post("/api/resident/verify", json={"phone": "13912345678", "code": sent.group(1)})
    assert ok.status_code == 200
    client.headers["Authorization"] = f"Bearer {ok.json()['token']}"
    assert client.get("/api/me").json()["kind"] == "resident"
    assert session.scalar(select(func.count()).select_from(Resident)) == 1
    reuse = client.post("/api/resident/verify", json={"phone": "13912345678", "code": sent.group(1)})
    assert reuse.status_code == 401


def test_expired_code_is_refused(ctx, client, session):
    client.post("/api/resident/code", json={"phone": "13800000001"})
    code = session.scalar(select(OneTimeCode))
    assert code is not None
    code.expires_at = ctx.now - timedelta(seconds=1)
    session.flush()
    response = client.post("/api/resident/verify", json={"phone": "13800000001", "code": "123456"})
    assert response.status_code == 401 and response.json()["error"]["problems"][0]["field"] == "code"


def test_resident_page_flow(client):
    page = client.get("/resident/login")
    assert page.status_code == 200 and "手机号" in page.text
    sent = client.post("/resident/login", data={"phone": "13700000002"})
    assert sent.status_code == 200 and "验证码" in sent.text and 'name="code"' in sent.text
    bad = client.post("/resident/login", data={"phone": "13700000002", "code": "99999x"})
    assert bad.status_code == 401


def test_english_switch(ctx, client):
    page = client.get("/login?lang=en")
    assert "Staff sign-in" in page.text
    assert client.cookies.get("lang") == "en"
    assert "Staff sign-in" in client.get("/login").text
    assert "工作人员登录" in client.get("/login?lang=zh_CN").text


def test_unknown_page_and_api_path(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json()["error"]["message_en"] == "page not found"
