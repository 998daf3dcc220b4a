"""Signing keys: created when none signs, the private key sealed, cached signer, rotation with an overlap
(old codes verify during it, fail after), the schedule that publishes the next key a day ahead,
revocation, the periodic task, `lianfang rotate-keys`, and an audit row for each."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.crypto import vault
from lianfang.core.jobs import run_periodic
from lianfang.healthcodes.models import HealthCodeKey
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from lianfang.healthcodes.qr import tasks as key_tasks

LEEWAY = 30


def later(ctx, **delta):
    return replace(ctx, now=ctx.now + timedelta(**delta))


def verify(session, text, ctx):
    keys.forget(session.get_bind())  # as another process would see it after RING_SECONDS
    return tokens.verify(text, keys.ring(session, ctx.now).public, ctx.now, LEEWAY)


def reason(session, text, ctx):
    with pytest.raises(tokens.TokenRejected) as caught:
        verify(session, text, ctx)
    return caught.value.reason


def issue(session, ctx, colour="green", pseudonym="abcDEF123"):
    kid, private = keys.current_signer(session, ctx.settings, ctx.now)
    return tokens.issue(private, kid, pseudonym, colour, (), ctx.now, 120)


def audit_verbs(session):
    session.expire_all()
    return [e.verb for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_ensure_current_creates_one_sealed_key_and_audits_it(ctx, session):
    with pytest.raises(keys.NoSigningKey) as none:
        keys.current_signer(session, ctx.settings, ctx.now)
    assert none.value.status == 503
    first = keys.ensure_current(ctx)
    assert keys.ensure_current(ctx).kid == first.kid
    assert session.scalars(select(HealthCodeKey)).all() == [first]
    assert first.active_from == ctx.now and first.signs_until == ctx.now + timedelta(days=7)
    assert first.verifiable_until == first.signs_until + timedelta(hours=1) and first.state == "active"
    seed = base64.b64decode(vault(ctx.settings).open(first.private_key_sealed))
    assert len(seed) == 32 and base64.b64encode(seed).decode() not in first.private_key_sealed
    kid, private = keys.current_signer(session, ctx.settings, ctx.now)
    assert kid == first.kid
    assert base64.b64encode(private.public_key().public_bytes_raw()).decode() == first.public_key
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "healthcodes.key.create"))
    assert entry.subject_type == "health_code_key" and entry.subject_id == first.kid
    assert entry.actor_kind == "system" and entry.detail["reason"] == "none signing"


def test_the_signer_is_cached_in_process(ctx, session):
    keys.ensure_current(ctx)
    first = keys.current_signer(session, ctx.settings, ctx.now)
    assert keys.current_signer(session, ctx.settings, ctx.now).private_key is first.private_key
    text = first.issue("abc", "red", ["2"], ctx.now, 120)
    assert verify(session, text, ctx).popups == ("2",)


def test_signer_for_makes_a_key_on_a_fresh_installation(ctx, session):
    kid, _private = keys.signer_for(ctx)
    assert session.scalar(select(HealthCodeKey.kid)) == kid


def test_rotation_keeps_old_codes_during_the_overlap_and_refuses_them_after(ctx, session):
    old = keys.ensure_current(ctx)
    before = issue(session, ctx, "yellow")
    turn = later(ctx, minutes=1)
    new = keys.rotate(turn)
    assert new.kid != old.kid and new.active_from == turn.now
    assert (old.signs_until, old.verifiable_until) == (turn.now, turn.now + timedelta(hours=1))
    assert keys.current_signer(session, ctx.settings, turn.now).kid == new.kid
    after = issue(session, turn)
    assert after.split(".")[1] == new.kid
    during = later(turn, seconds=50)  # the code on a screen when the key changed still works
    assert verify(session, before, during).colour == "yellow"
    assert verify(session, after, during).colour == "green"
    assert {k.kid for k in keys.public_keys(session, during.now)} == {old.kid, new.kid}
    gone = later(turn, hours=1, seconds=LEEWAY + 1)
    assert reason(session, before, gone) == "key_retired"
    assert {k.kid for k in keys.public_keys(session, gone.now)} == {new.kid}
    assert audit_verbs(session)[-3:] == [
        "healthcodes.key.retire",
        "healthcodes.key.create",
        "healthcodes.key.rotate",
    ]


def test_a_stolen_retired_key_cannot_make_new_codes(ctx, session):
    keys.ensure_current(ctx)
    kid, private = keys.current_signer(session, ctx.settings, ctx.now)
    keys.rotate(ctx)
    minted = tokens.issue(private, kid, "abc", "green", (), later(ctx, minutes=5).now, 120)
    assert reason(session, minted, later(ctx, minutes=5)) == "key_retired"


def test_the_schedule_publishes_the_next_key_a_day_ahead(ctx, session):
    assert keys.maintain(ctx) == 1
    current = session.scalar(select(HealthCodeKey))
    assert keys.maintain(later(ctx, days=5)) == 0  # more than a day left
    eve = later(ctx, days=6, hours=1)
    assert keys.maintain(eve) == 1 and keys.maintain(eve) == 0
    upcoming = session.scalar(select(HealthCodeKey).where(HealthCodeKey.kid != current.kid))
    assert upcoming.active_from == current.signs_until
    assert upcoming.signs_until == current.signs_until + timedelta(days=7)
    assert [k.kid for k in keys.public_keys(session, eve.now)] == [current.kid, upcoming.kid]
    assert keys.current_signer(session, ctx.settings, eve.now).kid == current.kid
    handover = replace(ctx, now=current.signs_until)
    assert keys.current_signer(session, ctx.settings, handover.now).kid == upcoming.kid  # exact, no reload
    late_code = issue(session, later(handover, seconds=-10))
    assert verify(session, late_code, later(handover, seconds=60)).kid == current.kid
    detail = session.scalar(
        select(AuditEntry.detail).where(
            AuditEntry.subject_id == upcoming.kid, AuditEntry.verb == "healthcodes.key.create"
        )
    )
    assert detail["reason"] == "scheduled"


def test_rotation_setting(ctx, session):
    short = replace(ctx, settings=ctx.settings.model_copy(update={"healthcode_key_rotation_days": 1}))
    made = keys.ensure_current(short)
    assert made.signs_until - made.active_from == timedelta(days=1)
    assert keys.policy(short.settings).rotation_days == 1


def test_rotating_supersedes_a_published_key_that_never_signed(ctx, session):
    keys.maintain(ctx)
    eve = later(ctx, days=6, hours=12)
    keys.maintain(eve)
    new = keys.rotate(eve)
    states = {k.kid: k.state for k in session.scalars(select(HealthCodeKey))}
    assert list(states.values()).count("revoked") == 1 and states[new.kid] == "active"
    assert keys.current_signer(session, ctx.settings, later(eve, days=1).now).kid == new.kid


def test_revoking_a_key_refuses_its_codes_at_once(ctx, session):
    old = keys.ensure_current(ctx)
    text = issue(session, ctx)
    keys.revoke(later(ctx, seconds=5), old.kid, "private key leaked")
    assert reason(session, text, later(ctx, seconds=10)) == "key_retired"
    assert keys.current_signer(session, ctx.settings, later(ctx, seconds=10).now).kid != old.kid
    assert old.kid not in {k.kid for k in keys.public_keys(session, later(ctx, seconds=10).now)}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.verb == "healthcodes.key.revoke"))
    assert entry.detail["reason"] == "private key leaked" and entry.detail["state"] == "revoked"
    with pytest.raises(Exception, match="not found"):
        keys.revoke(ctx, "nosuchkey", "x")


def test_rotate_with_revoke_ends_every_old_key(ctx, session):
    keys.ensure_current(ctx)
    text = issue(session, ctx)
    keys.rotate(later(ctx, seconds=1), revoke=True)
    assert reason(session, text, later(ctx, seconds=2)) == "key_retired"
    assert len(keys.public_keys(session, later(ctx, seconds=2).now)) == 1


def test_the_periodic_task_keeps_the_schedule(ctx, runtime, session):
    key_tasks.register(runtime)
    assert runtime.periodic["healthcodes.keys"][1] is key_tasks.maintain_keys
    only = {"healthcodes.keys": runtime.periodic["healthcodes.keys"]}
    assert run_periodic(replace(runtime, periodic=only), {}, 0.0, ctx.now) == 1
    assert run_periodic(replace(runtime, periodic=only), {}, 1e6, ctx.now) == 0
    session.expire_all()
    assert len(session.scalars(select(HealthCodeKey)).all()) == 1


def test_rotate_keys_command(ctx, runtime, session, monkeypatch):
    from typer.testing import CliRunner

    from lianfang import cli
    from lianfang.healthcodes.qr import cli as key_cli

    monkeypatch.setattr(key_cli, "_settings", lambda: ctx.settings)
    monkeypatch.setattr(key_cli, "_factory", lambda _settings: runtime.factory)
    cli._register_plugins()
    old = keys.ensure_current(ctx)
    session.commit()
    result = CliRunner().invoke(cli.app, ["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "new signing key" in result.output
    session.expire_all()
    rows = {k.kid: k for k in session.scalars(select(HealthCodeKey))}
    assert len(rows) == 2 and rows[old.kid].state == "active" and rows[old.kid].verifiable_until > ctx.now
    revoked = CliRunner().invoke(cli.app, ["rotate-keys", "--revoke"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    session.expire_all()
    assert sum(k.state == "active" for k in session.scalars(select(HealthCodeKey))) == 1
    assert "healthcodes.key.rotate" in audit_verbs(session)
