"""The key set that offline devices download and online verification: valid codes of each colour, every
refusal with its reason, the walls (401, 403 per role), bad input, revoked keys, no database per request
once warm, and offline verification with a downloaded key set (`lianfang verify-code`)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event

from lianfang.accounts.rules import PERMISSIONS
from lianfang.healthcodes.checks.hot import PATH
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, resident_bearer


def issue(ctx, pseudonym="abc", colour="green", popups=(), now=None, ttl=120):
    """A code signed by the key that signs now (made an hour ago if there is none)."""
    keys.ensure_current(replace(ctx, now=ctx.now - timedelta(hours=1)))
    kid, private = keys.current_signer(ctx.session, ctx.settings, ctx.now)
    return tokens.issue(private, kid, pseudonym, colour, popups, now or ctx.now, ttl)


@pytest.fixture
def city(ctx):
    return make_city(ctx)


@pytest.fixture
def checker(ctx, client, city):
    user = make_user(ctx, "checkpoint", city["110105"])
    return bearer(client, user)


def test_the_key_set_is_public_and_cacheable(ctx, client, session):
    empty = client.get("/api/healthcodes/keys")
    assert empty.status_code == 200 and empty.json()["keys"] == []
    old = keys.ensure_current(ctx)
    keys.forget(session.get_bind())
    data = client.get("/api/healthcodes/keys")
    assert data.headers["cache-control"] == "public, max-age=60"
    body = data.json()
    assert body["format"] == "LF2" and body["algorithm"] == "Ed25519"
    assert (body["token_ttl_seconds"], body["refresh_seconds"], body["leeway_seconds"]) == (120, 60, 30)
    (entry,) = body["keys"]
    assert entry["kid"] == old.kid and entry["algorithm"] == "Ed25519"
    assert set(entry) == {"kid", "algorithm", "public_key", "active_from", "signs_until", "verifiable_until"}
    assert "private" not in data.text and old.private_key_sealed not in data.text
    new = keys.rotate(ctx)
    listed = [k["kid"] for k in client.get("/api/healthcodes/keys").json()["keys"]]
    assert sorted(listed) == sorted([old.kid, new.kid])  # both during the overlap


@pytest.mark.parametrize(
    ("colour", "popups", "status_zh", "action", "action_zh"),
    [
        ("green", (), "未见异常", "pass", "绿码通行"),
        ("yellow", (), "居家观察", "restrict", "黄码限制"),
        ("red", (), "集中观察", "refuse", "红码禁止"),
        ("green", ("1", "4"), "未见异常", "restrict", "弹窗限制"),
    ],
)
def test_a_valid_code_answers_status_and_action(ctx, checker, colour, popups, status_zh, action, action_zh):
    response = checker.post(PATH, json={"token": issue(ctx, "p1", colour, popups)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True and body["colour"] == colour and body["pseudonym"] == "p1"
    assert body["status_zh"] == status_zh and body["status_en"]
    assert body["popups"] == list(popups) and body["action"] == action
    assert body["action_zh"].startswith(action_zh) and body["action_en"]
    assert body["expires_at"] > body["issued_at"] and body["checked_at"]


def test_refusals_are_answered_with_the_reason(ctx, checker):
    expired = issue(ctx, now=ctx.now - timedelta(minutes=10))
    forged = tokens.issue(Ed25519PrivateKey.generate(), "forged1", "abc", "green", (), ctx.now, 120)
    genuine = issue(ctx, colour="red")
    head, kid, payload, signature, tag = genuine.split(".")
    green = issue(ctx, colour="green").split(".")
    cases = [
        ("expired", expired),
        ("unknown_key", forged),
        ("bad_signature", f"{head}.{kid}.{green[2]}.{signature}.{tag}"),
        ("bad_signature", f"{head}.{kid}.{payload}.{signature}.{green[4]}"),  # a tag devices cannot check
        ("malformed", "not a code"),
        ("not_yet_valid", issue(ctx, now=ctx.now + timedelta(minutes=5))),
    ]
    for expected, text in cases:
        response = checker.post(PATH, json={"token": text})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["valid"] is False and body["reason"] == expected, (expected, body)
        assert body["message_zh"] and body["message_en"] and body["action"] == "refuse"
        assert "colour" not in body


def test_a_revoked_key_is_refused_at_once(ctx, checker):
    text = issue(ctx)
    assert checker.post(PATH, json={"token": text}).json()["valid"] is True
    kid = text.split(".")[1]
    keys.revoke(ctx, kid, "leaked")
    body = checker.post(PATH, json={"token": text}).json()
    assert body["valid"] is False and body["reason"] == "key_retired"
    assert checker.post(PATH, json={"token": issue(ctx)}).json()["valid"] is True  # the new key


def test_authentication_and_permission(ctx, client, new_client, city, session):
    text = issue(ctx)
    anonymous = client.post(PATH, json={"token": text})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["message_en"]
    wrong = client.post(PATH, json={"token": text}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    for role in sorted(PERMISSIONS):
        user = make_user(ctx, role, city["110000"])
        answer = bearer(new_client(), user).post(PATH, json={"token": text})
        allowed = role in {
            "checkpoint",
            "venue_operator",
            "community_worker",
            "district_command",
            "city_command",
            "admin",
        }
        assert answer.status_code == (200 if allowed else 403), (role, answer.text)
    person = make_person(ctx, city["110105001001"], phone="13911112222")
    resident = resident_bearer(new_client(), session, ctx.settings, "13911112222")
    assert person.id and resident.post(PATH, json={"token": text}).status_code == 403


def _problems(response):
    assert response.status_code == 422, response.text
    return {p["field"]: p for p in response.json()["error"]["problems"]}


def test_bad_input_is_a_clear_error(ctx, checker):
    raw = {"content-type": "application/json"}
    assert "body" in _problems(checker.post(PATH, content=b"{not json", headers=raw))
    assert "body" in _problems(checker.post(PATH, content=b"\xff\xfe", headers=raw))
    assert "body" in _problems(checker.post(PATH, json=["LF2.x"]))
    assert "token" in _problems(checker.post(PATH, json={}))
    assert "token" in _problems(checker.post(PATH, json={"token": 5}))
    assert "token" in _problems(checker.post(PATH, json={"token": "   "}))
    long = _problems(checker.post(PATH, json={"token": "LF2." + "a" * 300}))["token"]
    assert "256" in long["message"] and "too long" in long["message_en"]
    huge = checker.post(PATH, content=b'{"token": "' + b"a" * 5000 + b'"}', headers=raw)
    assert huge.status_code == 413 and "4 KB" in huge.json()["error"]["message_en"]


def test_no_database_per_request_once_warm(ctx, checker, connection):
    texts = [issue(ctx, f"p{i}") for i in range(3)]
    assert checker.post(PATH, json={"token": texts[0]}).json()["valid"] is True  # warms actor and keys
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(connection, "before_cursor_execute", count)
    try:
        for text in texts[1:]:
            assert checker.post(PATH, json={"token": text}).json()["valid"] is True
        assert checker.post(PATH, json={"token": "LF2.x.y.z.w"}).json()["reason"] == "malformed"
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert statements == []


def test_the_hot_path_is_installed(app):
    assert ("POST", PATH) in app.hot_paths
    assert PATH in app.openapi()["paths"] and "/api/healthcodes/keys" in app.openapi()["paths"]


def _cli(tmp_path, client, *args):
    from typer.testing import CliRunner

    from lianfang import cli

    path = tmp_path / "keys.json"
    path.write_text(client.get("/api/healthcodes/keys").text, encoding="utf-8")
    cli._register_plugins()
    return CliRunner().invoke(cli.app, ["verify-code", *args, "--keys", str(path)])


def test_offline_verification_with_the_downloaded_key_set(ctx, client, tmp_path):
    valid = issue(ctx, "holder1", "yellow", ("3",))
    shown = _cli(tmp_path, client, valid)
    assert shown.exit_code == 0, shown.output
    assert "VALID yellow" in shown.output and "黄码限制" in shown.output and "holder1" in shown.output
    as_json = _cli(tmp_path, client, valid, "--json")
    body = json.loads(as_json.output)
    assert body["valid"] is True and body["popups"] == ["3"] and body["action"] == "restrict"
    expired = _cli(tmp_path, client, issue(ctx, now=ctx.now - timedelta(minutes=5)))
    assert expired.exit_code == 1 and "REFUSED expired" in expired.output
    forged = tokens.issue(Ed25519PrivateKey.generate(), valid.split(".")[1], "x", "green", (), ctx.now, 120)
    assert "bad_signature" in _cli(tmp_path, client, forged).output


def test_offline_verification_refuses_a_bad_key_set(tmp_path):
    from typer.testing import CliRunner

    from lianfang import cli

    path = tmp_path / "keys.json"
    path.write_text('{"keys": [{"kid": "x"}]}', encoding="utf-8")
    cli._register_plugins()
    result = CliRunner().invoke(cli.app, ["verify-code", "LF2.a.b.c.d", "--keys", str(path)])
    assert result.exit_code == 2 and "key set" in result.output


def test_an_old_key_set_still_verifies_codes_after_rotation(ctx, client, tmp_path, session):
    """A device that downloaded the set before a manual rotation still verifies codes on screens."""
    before = issue(ctx)
    saved = tmp_path / "old.json"
    saved.write_text(client.get("/api/healthcodes/keys").text, encoding="utf-8")
    keys.rotate(replace(ctx, now=ctx.now + timedelta(seconds=5)))
    from lianfang.healthcodes.qr.cli import offline_verify

    assert offline_verify(before, json.loads(saved.read_text()))["valid"] is True


def test_the_fast_answer_is_the_plain_json_answer(ctx):
    from lianfang.healthcodes.checks.hot import answer_json

    ring_key = keys.ensure_current(replace(ctx, now=ctx.now - timedelta(hours=1)))
    kid, private = keys.current_signer(ctx.session, ctx.settings, ctx.now)
    assert kid == ring_key.kid
    public = {k.kid: k for k in keys.public_keys(ctx.session, ctx.now)}
    for colour in tokens.COLOURS:
        for popups in [(), ("1",), ("2", "5"), tokens.POPUPS]:
            text = tokens.issue(private, kid, "Ab-_9", colour, popups, ctx.now, 120)
            verified = tokens.verify(text, public, ctx.now, 30)
            for _ in range(2):  # the first builds the cached fragment, the second reuses it
                fast = json.loads(answer_json(verified, ctx.now))
                checked = ctx.now.replace(microsecond=0).isoformat()  # to the second, as the code's times
                assert fast == verified.as_dict() | {"checked_at": checked}
