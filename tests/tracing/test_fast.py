"""The proposals hot path (`tracing.fast`): who may ask, what a bad case id gets, the audit row of each
read, and a revoked token's end once the actor cache's 15 s have passed."""

from __future__ import annotations

import time

from sqlalchemy import select

from lianfang.accounts.models import AuthSession
from lianfang.core import hot
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer
from tests.factories.tracing import make_scene


def _case(api, scene) -> int:  # type: ignore[no-untyped-def]
    body = {"person_id": scene.case_person.id, "onset_at": scene.onset.isoformat()}
    made = api.post("/api/tracing/cases", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_each_read_is_audited_with_its_count_and_address(ctx, client, session):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    case_id = _case(api, scene)
    for _ in range(2):
        answer = api.get(f"/api/tracing/cases/{case_id}/proposals")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    rows = session.scalars(select(AuditEntry).where(AuditEntry.verb == "tracing.case.proposals")).all()
    assert len(rows) == 2
    assert {r.subject_id for r in rows} == {str(case_id)}
    assert {r.actor_user_id for r in rows} == {scene.investigator.id}
    assert {r.actor_ip for r in rows} == {"testclient"}  # the TestClient's address
    assert rows[0].detail["count"] == len(answer.json()["items"]) > 0


def test_who_may_ask_and_bad_ids(ctx, client, new_client):
    scene = make_scene(ctx)
    case_id = _case(bearer(client, scene.investigator), scene)
    anonymous = new_client().get(f"/api/tracing/cases/{case_id}/proposals")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["message_en"]
    worker = bearer(new_client(), scene.community_worker)  # no tracing.read
    assert worker.get(f"/api/tracing/cases/{case_id}/proposals").status_code == 403
    api = bearer(new_client(), scene.investigator)
    for bad in ("abc", "-1", "１２", "9" * 30):
        refused = api.get(f"/api/tracing/cases/{bad}/proposals")
        assert refused.status_code == 422, bad
        problem = refused.json()["error"]["problems"][0]
        assert problem["field"] == "case_id" and problem["message"] and problem["message_en"]
    assert api.get(f"/api/tracing/cases/{case_id + 1000}/proposals").status_code == 404


def test_a_revoked_token_stops_within_the_cache_time(ctx, client, session, monkeypatch):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    url = f"/api/tracing/cases/{_case(api, scene)}/proposals"
    assert api.get(url).status_code == 200
    token = session.scalars(select(AuthSession).where(AuthSession.kind == "api")).one()
    token.revoked_at = ctx.now
    session.flush()
    assert api.get("/api/tracing/cases").status_code == 401  # the ordinary routes at once
    assert api.get(url).status_code == 200  # the hot path's cached actor, for up to 15 s
    later = time.monotonic() + hot.ACTOR_TTL + 1
    monkeypatch.setattr(hot.time, "monotonic", lambda: later)
    assert api.get(url).status_code == 401
