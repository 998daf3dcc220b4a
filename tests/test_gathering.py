"""Reactions gathered over a bulk action (`Ctx.gathered`, `Ctx.react`): run at once outside one; inside,
once per key at its end with every item, also what they gather in turn; nothing after an error; and, end
to end, a bulk confirmation whose people are re-derived once with all the facts the action made."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from lianfang.core.context import Ctx
from lianfang.healthcodes.models import HealthStatus, HealthStatusChange
from lianfang.healthcodes.status import service
from tests.factories.accounts import bearer
from tests.factories.tracing import make_scene


def test_reactions_run_at_once_or_once_per_key_at_the_end(ctx: Ctx) -> None:
    runs: list[tuple[str, list[Any]]] = []

    def react(key: str) -> Any:
        return lambda _ctx, items: runs.append((key, list(items)))

    ctx.react("a", react("a"), 1)
    assert runs == [("a", [1])]  # no bulk action: at once
    runs.clear()
    with ctx.gathered() as bulk:
        bulk.react("a", react("a"), 1)
        with bulk.gathered() as inner:  # nested: the outer one runs them
            inner.react("a", react("a"), 2)
        bulk.react("b", react("b"), 3)
        assert runs == []
    assert runs == [("a", [1, 2]), ("b", [3])]


def test_what_a_reaction_gathers_runs_too_and_an_error_runs_nothing(ctx: Ctx) -> None:
    runs: list[list[Any]] = []

    def second(_ctx: Ctx, items: list[Any]) -> None:
        runs.append(items)

    def first(inner: Ctx, items: list[Any]) -> None:
        runs.append(items)
        inner.react("second", second, "from first")

    with ctx.gathered() as bulk:
        bulk.react("first", first, 1)
    assert runs == [[1], ["from first"]]
    runs.clear()
    with pytest.raises(RuntimeError), ctx.gathered() as bulk:
        bulk.react("first", first, 1)
        raise RuntimeError("the action failed")
    assert runs == []


def test_a_bulk_confirmation_derives_each_person_once_with_every_fact(ctx, client, session, monkeypatch):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    body = {"person_id": scene.case_person.id, "onset_at": scene.onset.isoformat()}
    case = api.post("/api/tracing/cases", json=body).json()
    api.post(f"/api/tracing/cases/{case['id']}/propose")
    listed = api.get(f"/api/tracing/cases/{case['id']}/contacts").json()["items"]
    by_person = {c["person_id"]: c["id"] for c in listed}
    people = [scene.housemate.id, scene.classmate.id, scene.ktv_friend.id]
    one = api.post("/api/tracing/contacts/decide", json={"ids": [by_person[people[0]]], "action": "confirm"})
    assert one.status_code == 200, one.text
    passes: list[list[int]] = []
    real = service.refresh_causes

    def counted_refresh(inner: Ctx, causes: dict[int, str]) -> int:
        passes.append(sorted(causes))
        return real(inner, causes)

    monkeypatch.setattr(service, "refresh_causes", counted_refresh)
    rest = [by_person[p] for p in people[1:]]
    bulk = api.post("/api/tracing/contacts/decide", json={"ids": rest, "action": "confirm"})
    assert bulk.status_code == 200, bulk.text
    # each person re-derived in one pass, not once per event (a contact's, then its order's)
    assert sorted(p for batch in passes for p in batch) == sorted(people[1:]), passes
    session.expire_all()
    statuses = {s.person_id: s for s in session.scalars(select(HealthStatus))}
    changes = session.scalars(select(HealthStatusChange).where(HealthStatusChange.person_id.in_(people)))
    counted = Counter(c.person_id for c in changes)
    # the single decision and the bulk one end in the same colour, each person's change recorded once
    assert {statuses[p].colour for p in people} == {statuses[people[0]].colour} != {"green"}
    assert counted == dict.fromkeys(people, 1)
