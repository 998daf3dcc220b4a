"""Unit rules without a database: kinds and roles, placing companies, the unified social credit code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianfang.units.rules import (
    KINDS,
    PLACING_KINDS,
    ROLES,
    USCC_CHARSET,
    code_problem,
    normalise_kind,
    normalise_role,
    role_conflict,
    role_kind_problem,
    uscc_check_character,
    via_unit_problem,
)
from tests.factories.units import valid_uscc

# Published examples of valid codes (the first is the standard's own example).
VALID = ["91350100M000100Y43", "91110000802100433B", "911100007109250324"]


@pytest.mark.parametrize("code", VALID)
def test_known_codes_pass(code):
    assert code_problem(code) is None
    assert code_problem(code.lower()) is None  # normalised to upper case


def test_wrong_check_character_is_named():
    problem = code_problem("91350100M000100Y44", row=7)
    assert problem is not None and problem.field == "code" and problem.row == 7
    assert "校验位" in problem.zh and "check character" in problem.en


@pytest.mark.parametrize("code", ["91350100M000100YI3", "91350100O000100Y43", "9135010SM000100Y43"])
def test_letters_outside_the_charset_are_rejected(code):
    problem = code_problem(code)
    assert problem is not None and "invalid characters" in problem.en


def test_division_code_must_be_digits():
    first17 = "91A50100M000100Y4"
    problem = code_problem(first17 + uscc_check_character(first17))
    assert problem is not None and "division code" in problem.en


@pytest.mark.parametrize("code", ["A-001", "LOCAL123", "1" * 17, "1" * 19, "X"])
def test_local_codes_of_other_lengths_are_allowed(code):
    assert code_problem(code) is None


@pytest.mark.parametrize("code", ["", "  ", "有中文", "a b#c", "A" * 41])
def test_bad_local_codes(code):
    assert code_problem(code) is not None


_uscc_body = st.tuples(
    st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
).map("".join)


@given(_uscc_body)
def test_any_code_with_its_check_character_passes(first17):
    assert code_problem(first17 + uscc_check_character(first17)) is None


@given(_uscc_body, st.integers(0, 16), st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_is_caught(first17, position, replacement):
    code = first17 + uscc_check_character(first17)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        assert code_problem(changed) is not None


def test_factory_codes_are_valid():
    assert all(code_problem(valid_uscc(n)) is None for n in range(1, 200))


def test_every_kind_and_role_has_both_names():
    assert len(KINDS) == 14 and len(ROLES) == 10
    for zh, en in [*KINDS.values(), *ROLES.values()]:
        assert zh and en and zh != en
    assert {"labour_dispatch", "housekeeping", "property", "cleaning"} == PLACING_KINDS


def test_kind_and_role_names_in_either_language():
    assert normalise_kind("劳务派遣公司") == "labour_dispatch"
    assert normalise_kind(" School ") == "school"
    assert normalise_kind("家政") == "housekeeping"
    assert normalise_kind("spaceship") is None
    assert normalise_role("学生") == "student"
    assert normalise_role("TEACHER") == "teacher"
    assert normalise_role("boss") is None


def test_students_and_staff_of_one_unit_conflict():
    assert role_conflict("student", "staff") is not None
    assert role_conflict("teacher", "student") is not None
    problem = role_conflict("staff", "student", row=4)
    assert problem is not None and problem.row == 4 and "学生" in problem.zh
    assert role_conflict("staff", "canteen") is None
    assert role_conflict("student", "student") is None


def test_students_belong_to_schools():
    assert role_kind_problem("student", "hospital") is not None
    assert role_kind_problem("teacher", "kindergarten") is None
    assert role_kind_problem("staff", "hospital") is None


def test_placing_company_rules():
    assert via_unit_problem(None, False, False) is not None
    assert via_unit_problem("labour_dispatch", True, True) is not None
    assert via_unit_problem("housekeeping", False, False) is not None
    employer = via_unit_problem("employer", True, False)
    assert employer is not None and "labour-dispatch" in employer.en
    assert via_unit_problem("cleaning", True, False) is None
