"""Venue rules without a database: kinds, default stays, enclosed spaces, status changes, codes."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianfang.venues.rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    KINDS,
    RULES_2022_12,
    STATUSES,
    is_code,
    new_code,
    normalise_kind,
    reason_problem,
    rules_for,
    transition_problem,
)


def test_every_kind_has_names_and_a_default_stay():
    assert len(KINDS) == 20
    for kind, (zh, en) in KINDS.items():
        assert zh and en
        assert 0 < RULES_2022_12.default_stay_minutes(kind) <= 24 * 60
    assert RULES_2022_12.default_stay_minutes("not-a-kind") == RULES_2022_12.default_stay_minutes("other")


def test_small_enclosed_spaces_follow_the_2022_list():
    enclosed = {k for k in KINDS if RULES_2022_12.is_enclosed(k)}
    assert {"chess_card_room", "ktv", "internet_cafe", "gym"} <= enclosed
    assert not enclosed & {"park", "metro_station", "supermarket", "community_gate"}


def test_rule_set_by_date():
    assert rules_for(date(2023, 1, 1)) is RULES_2022_12
    assert rules_for(date(2020, 1, 1)) is RULES_2022_12  # nothing earlier: the first edition applies


def test_kind_names_in_either_language():
    assert normalise_kind("棋牌室") == "chess_card_room"
    assert normalise_kind("Internet café") == "internet_cafe"
    assert normalise_kind("KTV") == "ktv"
    assert normalise_kind("spaceport") is None


@pytest.mark.parametrize(
    ("current", "wanted", "authority", "by_authority", "allowed"),
    [
        ("open", "closed", True, False, True),
        ("open", "sealed", True, False, True),
        ("sealed", "open", True, True, True),
        ("closed", "sealed", True, True, True),
        ("open", "closed", False, False, True),
        ("closed", "open", False, False, True),
        ("closed", "open", False, True, False),  # the authorities closed it
        ("open", "sealed", False, False, False),
        ("sealed", "open", False, True, False),
        ("open", "open", True, False, False),
        ("open", "demolished", True, False, False),
    ],
)
def test_who_may_change_a_status(current, wanted, authority, by_authority, allowed):
    problem = transition_problem(current, wanted, authority, by_authority)
    assert (problem is None) is allowed
    if problem is not None:
        assert problem.field == "status" and problem.zh and problem.en


def test_closing_needs_a_reason():
    assert reason_problem("closed", " ") is not None
    assert reason_problem("sealed", "") is not None
    assert reason_problem("open", "") is None
    assert reason_problem("closed", "x" * 256) is not None
    assert set(STATUSES) == {"open", "closed", "sealed"}


@given(st.integers(min_value=0))
def test_codes_use_only_the_unambiguous_alphabet(seed):
    code = new_code(random.Random(seed).choice)
    assert len(code) == CODE_LENGTH and is_code(code)
    assert not set(code) & set("01IOL")


def test_alphabet_and_code_check():
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 31
    assert not is_code("ABCDEFG")
    assert not is_code("ABCDEFG0")
    assert is_code("ABCDEFG2")
