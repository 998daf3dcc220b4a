"""Account administration through the API and the pages, with jurisdiction walls and the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.accounts.models import User
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import PASSWORD, bearer, csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city


def test_admin_creates_a_user_who_can_sign_in(ctx, client, new_client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    body = {
        "username": "Worker.One",
        "display_name": "社区干部",
        "password": "long-enough-pass",
        "role": "community_worker",
        "jurisdiction_id": city["110105001001"].id,
    }
    created = client.post("/api/users", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["username"] == "worker.one"
    assert client.post("/api/users", json=body).status_code == 409
    other = new_client()
    token = other.post("/api/auth/token", json={"username": "worker.one", "password": "long-enough-pass"})
    assert token.status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "user.create"))
    assert entry is not None and entry.detail["role"] == "community_worker"
    assert entry.jurisdiction_path == city["110105001001"].path


def test_bad_user_input_is_named(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    body = {
        "username": "x",
        "display_name": "",
        "password": "short",
        "role": "king",
        "jurisdiction_id": city["110105"].id,
    }
    response = client.post("/api/users", json=body)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["error"]["problems"]}
    assert fields == {"username", "password", "role", "display_name"}


def test_district_admin_is_walled_in(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110105"]))
    outsider = make_user(ctx, "community_worker", city["110108001001"])
    insider = make_user(ctx, "community_worker", city["110105002001"])
    assert client.get(f"/api/users/{outsider.id}").status_code == 404
    assert client.get(f"/api/users/{insider.id}").status_code == 200
    listed = {u["username"] for u in client.get("/api/users").json()["items"]}
    assert insider.username in listed and outsider.username not in listed
    body = {
        "username": "newbie",
        "display_name": "n",
        "password": "long-enough-pass",
        "role": "lab",
        "jurisdiction_id": city["110108"].id,
    }
    assert client.post("/api/users", json=body).status_code == 404


def test_roles_without_account_permission_get_403(ctx, client):
    city = make_city(ctx)
    for role in (
        "city_command",
        "community_worker",
        "investigator",
        "lab",
        "unit_officer",
        "venue_operator",
        "auditor",
        "district_command",
    ):
        user = make_user(ctx, role, city["110000"])
        client.headers.pop("Authorization", None)
        bearer(client, user)
        assert client.get("/api/users").status_code == 403, role


def test_admin_cannot_disable_itself_and_disabling_ends_sessions(ctx, client, new_client):
    city = make_city(ctx)
    admin = make_user(ctx, "admin", city["110000"])
    bearer(client, admin)
    me = {"display_name": "a", "role": "admin", "jurisdiction_id": city["110000"].id, "active": False}
    assert client.put(f"/api/users/{admin.id}", json=me).status_code == 403
    worker = make_user(ctx, "community_worker", city["110105001001"])
    worker_client = bearer(new_client(), worker)
    assert worker_client.get("/api/me").status_code == 200
    off = {
        "display_name": "w",
        "role": "community_worker",
        "jurisdiction_id": city["110105001001"].id,
        "active": False,
    }
    assert client.put(f"/api/users/{worker.id}", json=off).status_code == 200
    assert worker_client.get("/api/me").status_code == 401


def test_user_pages(ctx, client, session):
    city = make_city(ctx)
    page_login(client, make_user(ctx, "admin", city["110000"]))
    assert "工作人员账号" in client.get("/users").text
    form = client.get("/users/new")
    assert form.status_code == 200 and "朝外街道" in form.text
    token = csrf_of(client, "/users/new")
    bad = client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": "ab",
            "display_name": "x",
            "password": "short",
            "role": "lab",
            "jurisdiction_id": city["110000"].id,
        },
    )
    assert bad.status_code == 422 and "密码至少" in bad.text
    good = client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": "lab.one",
            "display_name": "实验室",
            "password": "long-enough-pass",
            "role": "lab",
            "jurisdiction_id": city["110000"].id,
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    user = session.scalar(select(User).where(User.username == "lab.one"))
    assert user is not None
    edit = client.get(f"/users/{user.id}")
    assert edit.status_code == 200 and "lab.one" in edit.text
    saved = client.post(
        f"/users/{user.id}",
        data={
            "csrf_token": token,
            "display_name": "实验室二",
            "role": "lab",
            "jurisdiction_id": city["110105"].id,
            "active": "true",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.refresh(user)
    assert (user.display_name, user.jurisdiction_id) == ("实验室二", city["110105"].id)


def test_form_without_csrf_token_is_refused(ctx, client):
    city = make_city(ctx)
    page_login(client, make_user(ctx, "admin", city["110000"]))
    response = client.post(
        "/users/new",
        data={
            "username": "x1234",
            "display_name": "x",
            "password": PASSWORD,
            "role": "lab",
            "jurisdiction_id": city["110000"].id,
        },
    )
    assert response.status_code == 403


def test_account_page_changes_password_and_issues_tokens(ctx, client, new_client):
    city = make_city(ctx)
    user = make_user(ctx, "investigator", city["110000"])
    page_login(client, user)
    token = csrf_of(client)
    issued = client.post("/account/tokens", data={"csrf_token": token, "name": "tablet-3"})
    assert issued.status_code == 200 and "tablet-3" in issued.text and 'id="new-token"' in issued.text
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "nope", "new_password": "another-long-one"},
    )
    assert wrong.status_code == 403
    ok = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "another-long-one"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    fresh = new_client()
    assert (
        fresh.post(
            "/api/auth/token", json={"username": user.username, "password": "another-long-one"}
        ).status_code
        == 200
    )


def test_audit_page_is_for_auditors_and_scoped(ctx, client, new_client):
    city = make_city(ctx)
    admin_client = bearer(new_client(), make_user(ctx, "admin", city["110000"]))
    for place, name in (("110105001001", "aa.chaoyang"), ("110108001001", "bb.haidian")):
        admin_client.post(
            "/api/users",
            json={
                "username": name,
                "display_name": name,
                "password": "long-enough-pass",
                "role": "lab",
                "jurisdiction_id": city[place].id,
            },
        )
    page_login(client, make_user(ctx, "auditor", city["110105"]))
    page = client.get("/audit?verb=user.create")
    assert page.status_code == 200
    assert "aa.chaoyang" in page.text and "bb.haidian" not in page.text
    city_auditor = bearer(new_client(), make_user(ctx, "auditor", city["110000"]))
    items = city_auditor.get("/api/audit?verb=user.create").json()["items"]
    assert {i["detail"]["username"] for i in items} >= {"aa.chaoyang", "bb.haidian"}
    worker = bearer(new_client(), make_user(ctx, "community_worker", city["110105001001"]))
    assert worker.get("/api/audit").status_code == 403
    assert city_auditor.get("/api/audit?since=2026-13-01").status_code == 422
