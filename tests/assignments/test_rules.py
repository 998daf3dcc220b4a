"""Pure supervision rules: the state machine table, default deadline, reminders and escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianfang.assignments import rules
from lianfang.core.clock import SHANGHAI

# (verb, from) -> to; every pair not listed is refused.
TABLE = {
    ("acknowledge", "issued"): "acknowledged",
    ("start", "acknowledged"): "in_progress",
    ("start", "returned"): "in_progress",
    ("complete", "acknowledged"): "done",
    ("complete", "in_progress"): "done",
    ("return", "in_progress"): "returned",
    ("return", "done"): "returned",
    ("cancel", "issued"): "cancelled",
    ("cancel", "acknowledged"): "cancelled",
    ("cancel", "in_progress"): "cancelled",
    ("cancel", "returned"): "cancelled",
}


@pytest.mark.parametrize("verb", sorted(rules.TRANSITIONS))
@pytest.mark.parametrize("state", rules.STATES)
def test_state_machine_table(verb, state):
    assert rules.transition_target(verb, state) == TABLE.get((verb, state))


def test_unknown_verb_goes_nowhere():
    assert rules.transition_target("approve", "issued") is None


def test_sides():
    assert rules.allowed_verbs("issued", frozenset({"owner"})) == ["acknowledge"]
    assert rules.allowed_verbs("issued", frozenset({"issuer"})) == ["cancel"]
    assert rules.allowed_verbs("in_progress", frozenset({"owner"})) == ["complete"]
    assert rules.allowed_verbs("in_progress", frozenset({"issuer"})) == ["return", "cancel"]
    assert rules.allowed_verbs("done", frozenset({"owner"})) == []
    assert rules.allowed_verbs("done", frozenset({"issuer"})) == ["return"]
    assert rules.allowed_verbs("returned", frozenset({"owner"})) == ["start"]
    assert rules.allowed_verbs("cancelled", frozenset({"owner", "issuer"})) == []
    assert rules.allowed_verbs("issued", frozenset()) == []


def test_cancelled_and_done_are_not_open_and_not_late():
    past = datetime(2021, 10, 24, tzinfo=UTC)
    now = past + timedelta(days=1)
    assert not rules.is_late("done", past, now) and not rules.is_late("cancelled", past, now)
    assert rules.is_late("returned", past, now) and rules.is_late("issued", now, now)
    assert not rules.is_late("issued", now + timedelta(microseconds=1), now)


@pytest.mark.parametrize(
    ("local_now", "local_deadline"),
    [
        (datetime(2021, 10, 24, 9, 30, tzinfo=SHANGHAI), datetime(2021, 10, 25, 0, 0, tzinfo=SHANGHAI)),
        (datetime(2021, 10, 24, 0, 0, tzinfo=SHANGHAI), datetime(2021, 10, 25, 0, 0, tzinfo=SHANGHAI)),
        (datetime(2021, 10, 24, 23, 59, 59, tzinfo=SHANGHAI), datetime(2021, 10, 25, 0, 0, tzinfo=SHANGHAI)),
        (datetime(2021, 12, 31, 20, 0, tzinfo=SHANGHAI), datetime(2022, 1, 1, 0, 0, tzinfo=SHANGHAI)),
        (datetime(2020, 2, 28, 12, 0, tzinfo=SHANGHAI), datetime(2020, 2, 29, 0, 0, tzinfo=SHANGHAI)),
        (datetime(2020, 2, 29, 12, 0, tzinfo=SHANGHAI), datetime(2020, 3, 1, 0, 0, tzinfo=SHANGHAI)),
    ],
)
def test_default_deadline_is_the_end_of_the_local_day(local_now, local_deadline):
    assert rules.default_deadline(local_now.astimezone(UTC)) == local_deadline


def test_default_deadline_uses_shanghai_not_utc():
    # 17:00 UTC on 24 Oct is 01:00 on 25 Oct in Beijing: the deadline is the end of 25 Oct local.
    now = datetime(2021, 10, 24, 17, 0, tzinfo=UTC)
    assert rules.default_deadline(now) == datetime(2021, 10, 25, 16, 0, tzinfo=UTC)


def test_remind_time():
    issued = datetime(2021, 10, 24, 1, 0, tzinfo=UTC)
    deadline = datetime(2021, 10, 24, 16, 0, tzinfo=UTC)
    assert rules.remind_time(deadline, issued, 2) == deadline - timedelta(hours=2)
    assert rules.remind_time(deadline, issued, 0) is None
    assert rules.remind_time(deadline, deadline - timedelta(hours=1), 2) is None  # issued inside the window


def test_paths():
    assert rules.path_ids("/1/4/17/") == ["1", "4", "17"]
    assert rules.ancestor_path("/1/4/17/", 1) == "/1/4/"
    assert rules.ancestor_path("/1/4/17/", 2) == "/1/"
    assert rules.ancestor_path("/1/4/17/", 9) == "/1/"
    assert rules.max_level("/1/4/17/30/") == 3 and rules.max_level("/1/") == 0


DEADLINE = datetime(2021, 10, 24, 16, 0, tzinfo=UTC)  # 24:00 on 24 Oct 2021 in Beijing


def test_escalation_steps():
    owner = "/1/4/17/30/"
    h = 4.0
    at = lambda hours: DEADLINE + timedelta(hours=hours)  # noqa: E731
    assert rules.escalation_target(at(-0.01), DEADLINE, owner, h) == (0, owner)
    assert rules.escalation_target(at(0), DEADLINE, owner, h) == (1, "/1/4/17/")
    assert rules.escalation_target(at(3.99), DEADLINE, owner, h) == (1, "/1/4/17/")
    assert rules.escalation_target(at(4), DEADLINE, owner, h) == (2, "/1/4/")
    assert rules.escalation_target(at(8), DEADLINE, owner, h) == (3, "/1/")
    assert rules.escalation_target(at(1000), DEADLINE, owner, h) == (3, "/1/")
    assert rules.escalation_target(at(1000), DEADLINE, "/1/", h) == (0, "/1/")
    assert rules.next_escalation_at(DEADLINE, 0, owner, h) == DEADLINE
    assert rules.next_escalation_at(DEADLINE, 2, owner, h) == at(8)
    assert rules.next_escalation_at(DEADLINE, 3, owner, h) is None
    assert rules.next_escalation_at(DEADLINE, 0, "/1/", h) is None


def test_escalation_across_the_year_end():
    # Deadline 24:00 on 31 Dec 2021 Beijing time = 16:00 UTC; the first step is on 1 Jan.
    deadline = datetime(2022, 1, 1, 0, 0, tzinfo=SHANGHAI)
    now = datetime(2022, 1, 1, 4, 0, tzinfo=SHANGHAI)
    assert rules.escalation_target(now, deadline, "/1/4/17/", 4) == (2, "/1/")


paths = st.lists(st.integers(min_value=1, max_value=99_999), min_size=1, max_size=6).map(
    lambda ids: "/" + "/".join(map(str, ids)) + "/"
)
# hypothesis takes naive bounds and attaches the zone itself
moments = st.datetimes(
    min_value=datetime(2019, 12, 1, tzinfo=UTC).replace(tzinfo=None),
    max_value=datetime(2023, 12, 31, tzinfo=UTC).replace(tzinfo=None),
    timezones=st.just(UTC),
)
hours = st.floats(min_value=0.05, max_value=72, allow_nan=False, allow_infinity=False)


@given(moments, moments, moments, paths, hours)
def test_escalation_is_monotone_in_time(deadline, t1, t2, owner, h):
    early, late = sorted((t1, t2))
    assert (
        rules.escalation_target(early, deadline, owner, h)[0]
        <= rules.escalation_target(late, deadline, owner, h)[0]
    )


@given(moments, moments, paths, hours)
def test_escalation_is_bounded_by_the_root(deadline, now, owner, h):
    level, watch = rules.escalation_target(now, deadline, owner, h)
    assert 0 <= level <= rules.max_level(owner)
    assert owner.startswith(watch) and watch.endswith("/")
    assert watch == rules.ancestor_path(owner, level)
    assert len(rules.path_ids(watch)) >= 1


@given(
    moments, st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)), paths, hours
)
def test_level_zero_before_the_deadline_and_late_from_it(deadline, before, owner, h):
    assert rules.escalation_target(deadline - before, deadline, owner, h) == (0, owner)
    level, _ = rules.escalation_target(deadline, deadline, owner, h)
    assert level == min(1, rules.max_level(owner))


@given(moments, paths, hours, st.integers(min_value=0, max_value=6))
def test_next_escalation_is_when_the_level_changes(deadline, owner, h, level):
    level = min(level, rules.max_level(owner))
    moment = rules.next_escalation_at(deadline, level, owner, h)
    if moment is None:
        assert level == rules.max_level(owner)
        return
    assert rules.escalation_target(moment, deadline, owner, h)[0] == level + 1
    before = rules.escalation_target(moment - timedelta(microseconds=1), deadline, owner, h)[0]
    assert before <= level
