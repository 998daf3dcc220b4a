"""The venue contacts judged inside PostgreSQL (`tracing.venue_sql`) are the ones the Python judge finds:
same people, category, reason, overlap minutes, first and last contact, note and rule, for random scans
at venues of every kind of limit (open, enclosed room, small enclosed room), first-degree and secondary."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from lianfang.tracing import repository, rules
from lianfang.tracing.contacts import views as propose
from lianfang.tracing.repository import Visit
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.tracing import scan
from tests.factories.venues import make_venue


def _world(ctx, seed):
    city = make_city(ctx)
    home = city["110105001001"]
    rng = random.Random(seed)
    venues = [
        make_venue(ctx, home, "便民超市", kind="supermarket"),
        make_venue(ctx, home, "欢唱KTV", kind="ktv"),
        make_venue(ctx, home, "小棋牌室", kind="chess_card_room", capacity=8),
        make_venue(ctx, home, "大饭店", kind="restaurant", capacity=300),
    ]
    people = [make_person(ctx, home, f"张{i}") for i in range(40)]
    base = ctx.now - timedelta(hours=30)
    visits = []
    for venue in venues:
        for j in range(2):
            start = base + timedelta(hours=3 * j, minutes=rng.randrange(60))
            visits.append(Visit(venue.id, start, start + timedelta(minutes=rng.randrange(45, 180)), j == 0))
        for person in rng.sample(people, 25):
            for _ in range(rng.randrange(1, 3)):
                at = base + timedelta(minutes=rng.randrange(-120, 420), seconds=rng.randrange(60))
                scan(ctx, venue, person, at, rng.randrange(1, 180))
    return visits


def _judged(ctx, visits, ruleset, secondary):
    venues = repository.venues_by_ids(ctx.session, [v.venue_id for v in visits])
    kept = [v for v in visits if not secondary or propose._small_room(venues[v.venue_id], v.start)]
    limits = [propose._limits(venues[v.venue_id], v, ruleset, secondary) for v in kept]
    in_python = propose._judged_in_python(ctx.session, kept, venues, limits, ruleset, secondary)
    in_database = propose._judged_in_database(ctx.session, kept, venues, limits, ruleset, secondary)
    return propose.merge(in_python, set()), propose.merge(in_database, set())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("secondary", [False, True])
def test_database_judge_agrees_with_python(ctx, session, seed, secondary):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the in-database judge is PostgreSQL's")
    visits = _world(ctx, seed)
    python, database = _judged(ctx, visits, rules.by_edition("9th"), secondary)
    assert python, "the scene makes contacts"
    assert sorted(python) == sorted(database)
    for person_id, expected in python.items():
        got = database[person_id]
        fields = ("category", "reason", "minutes", "first_at", "last_at", "venue_id", "detail", "rule")
        assert {f: getattr(got, f) for f in fields} == {f: getattr(expected, f) for f in fields}
        assert got.label is not None and got.label.name.startswith("张")
    if not secondary:
        assert {p.category for p in python.values()} >= {"close", "general"}


def test_venue_proposals_use_the_judge_of_the_database(ctx, session, monkeypatch):
    """On PostgreSQL the proposals of a case come from the one statement (and carry the names)."""
    visits = _world(ctx, 4)
    calls = []
    real = propose.venue_sql.best_per_person
    monkeypatch.setattr(propose.venue_sql, "best_per_person", lambda *a: calls.append(1) or real(*a))
    found = propose.venue_proposals(ctx.session, visits, rules.by_edition("9th"))
    assert found
    postgres = session.get_bind().dialect.name == "postgresql"
    assert calls == ([1] if postgres else [])
    assert all((p.label is not None) == postgres for p in found)
