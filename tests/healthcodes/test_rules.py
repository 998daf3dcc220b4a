"""The derivation, clause by clause: each trigger, each clearing path, their combinations, date edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lianfang.core.clock import SHANGHAI, local_date
from lianfang.healthcodes import rules
from lianfang.healthcodes.rules import Clearance, Fact, derive


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).astimezone(UTC)


D = date(2022, 5, 10)
NOW = at(D)


def test_no_facts_is_green_valid_until_midnight() -> None:
    d = derive([], NOW)
    assert (d.colour, d.popups, d.next_change_on) == ("green", (), None)
    assert d.label == ("未见异常", "No abnormality")
    assert d.valid_until() == at(D + timedelta(days=1), 0)
    assert d.edition == "bj2022-02"


def test_red_over_yellow_and_popups_sorted() -> None:
    facts = [
        Fact("testing_duty", "testing_duty:1", at(D, 8)),
        Fact("order_home_quarantine", "control_order:1", at(D - timedelta(days=2))),
        Fact("travel_flag", "travel_flag:1", at(D, 7), D + timedelta(days=3)),
        Fact("case", "tracing_case:1", at(D, 9)),
    ]
    d = derive(facts, NOW)
    assert d.colour == "red"
    assert d.popups == ("1", "4")
    assert [r.effect for r in d.reasons] == ["red", "yellow", "1", "4"]
    assert derive(facts[:3], NOW).colour == "yellow"


def test_future_fact_is_not_shown_but_sets_the_next_change() -> None:
    due = D + timedelta(days=2)
    d = derive([Fact("arrival_test", "travel_record:1", at(due, 0))], NOW)
    assert d.popups == ()
    assert d.next_change_on == due
    assert derive([Fact("arrival_test", "travel_record:1", at(due, 0))], at(due, 0)).popups == ("4",)


def test_date_based_end_shows_through_its_last_day() -> None:
    fact = Fact("inbound", "travel_observation:1", at(D - timedelta(days=20)), D)
    assert derive([fact], at(D, 23)).popups == ("2",)
    assert derive([fact], NOW).next_change_on == D + timedelta(days=1)
    assert derive([fact], at(D + timedelta(days=1), 0)).popups == ()


def test_test_cleared_popup_shows_until_midnight_of_the_result_day() -> None:
    cleared = at(D, 15)
    fact = Fact("testing_duty", "testing_duty:1", at(D - timedelta(days=1)), None, cleared)
    assert derive([fact], at(D, 16)).popups == ("4",)
    assert derive([fact], at(D, 16)).next_change_on == D + timedelta(days=1)
    assert derive([fact], at(D + timedelta(days=1), 0)).popups == ()


def test_community_cleared_facts_stop_at_once() -> None:
    lifted = at(D, 9)
    fact = Fact("pool_positive", "testing_control:1", at(D, 7), None, lifted)
    assert derive([fact], at(D, 8)).popups == ("3",)
    assert derive([fact], at(D, 10)).popups == ()


def test_a_clearance_covers_facts_raised_before_it_only() -> None:
    old = Fact("contact", "tracing_contact:1", at(D, 7), D + timedelta(days=10))
    new = Fact("contact", "tracing_contact:2", at(D, 11), D + timedelta(days=10))
    clearance = Clearance("3", at(D, 9))
    assert derive([old], at(D, 12), [clearance]).popups == ()
    assert derive([old, new], at(D, 12), [clearance]).popups == ("3",)
    assert derive([old], at(D, 12), [Clearance("1", at(D, 9))]).popups == ("3",)


def test_a_colour_clearance_clears_the_colour() -> None:
    order = Fact("order_home_monitoring", "control_order:1", at(D, 7))
    assert derive([order], at(D, 12), [Clearance("c", at(D, 9))]).colour == "green"


def test_edition_by_date_and_pinned() -> None:
    assert rules.rule_set_on(date(2022, 11, 22)).edition == "bj2022-11"
    assert rules.rule_set_on(date(2022, 11, 21)).edition == "bj2022-02"
    assert rules.rule_set_on(date(2023, 1, 1), "bj2022-02").arrival_test_days == 3
    assert rules.arrival_test_due(D, rules.EDITIONS["bj2022-11"]) == D + timedelta(days=2)


@given(
    st.integers(min_value=-40, max_value=40),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=23),
)
def test_ends_on_edge(offset: int, length: int, hour: int) -> None:
    """A fact ending on day E shows on every day up to E and on none after, whatever the hour."""
    start = D + timedelta(days=offset)
    end = start + timedelta(days=length)
    fact = Fact("inbound", "x:1", at(start, 0), end)
    for delta in (-1, 0, 1):
        now = at(end + timedelta(days=delta), hour)
        shown = derive([fact], now).popups == ("2",)
        assert shown == (start <= local_date(now) <= end)


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_next_change_is_after_today(hour: int, minute: int) -> None:
    now = at(D, hour) + timedelta(minutes=minute)
    facts = [
        Fact("testing_duty", "t:1", at(D - timedelta(days=3)), None, now),
        Fact("inbound", "i:1", at(D - timedelta(days=3)), D + timedelta(days=2)),
    ]
    d = derive(facts, now)
    assert d.next_change_on is not None
    assert d.next_change_on > local_date(now)
    assert d.next_change_on == D + timedelta(days=1)
