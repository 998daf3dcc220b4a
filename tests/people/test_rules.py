"""Identity rules: GB 11643 resident ID numbers (region, birth date, ISO 7064 MOD 11-2 check character),
other documents, masks."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lianfang.people.rules import (
    birth_date_of,
    document_problem,
    id_check_character,
    id_number_problem,
    mask_id,
    mask_name,
    nationality_problem,
    normalise_id_kind,
    sex_of,
)

TODAY = date(2026, 11, 23)


def test_check_character_of_a_published_example():
    # GB 11643-1999 Appendix example: 11010519491231002X.
    assert id_check_character("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X", TODAY) is None
    assert id_number_problem("11010519491231002x", TODAY) is None  # lower-case x is normalised


def test_wrong_check_character_is_named():
    problem = id_number_problem("110105194912310021", TODAY, row=7)
    assert problem is not None
    assert (problem.field, problem.row) == ("id_number", 7)
    assert "check character" in problem.en and "校验位" in problem.zh


def test_shape_region_and_date():
    shape = id_number_problem("1101051949123100", TODAY)
    assert shape is not None and "18 characters" in shape.en
    first17 = "99010519491231002"
    region = id_number_problem(first17 + id_check_character(first17), TODAY)
    assert region is not None and "region" in region.en
    first17 = "11010519490231002"  # 31 February
    bad_date = id_number_problem(first17 + id_check_character(first17), TODAY)
    assert bad_date is not None and "not a date" in bad_date.en
    first17 = "11010520301231002"  # born in the future
    future = id_number_problem(first17 + id_check_character(first17), TODAY)
    assert future is not None and "out of range" in future.en


prefixes = st.builds(
    lambda region, born, seq: f"{region}{born:%Y%m%d}{seq:03d}",
    st.sampled_from(["110105", "110108", "310101", "440305", "650102"]),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)


@given(prefixes)
def test_computed_check_character_passes(first17: str):
    assert id_number_problem(first17 + id_check_character(first17), TODAY) is None


@given(prefixes, st.sampled_from("0123456789X"))
def test_any_other_last_character_fails(first17: str, last: str):
    if last != id_check_character(first17):
        problem = id_number_problem(first17 + last, TODAY)
        assert problem is not None and problem.field == "id_number"


@given(prefixes)
def test_birth_date_and_sex_derive_from_the_number(first17: str):
    number = first17 + id_check_character(first17)
    assert birth_date_of(number) == date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    assert sex_of(number) == ("M" if int(first17[16]) % 2 else "F")


def test_other_documents():
    assert document_problem("passport", "E12345678", TODAY) is None
    assert document_problem("passport", "e1234", TODAY) is None  # normalised to upper case
    short = document_problem("passport", "E12", TODAY)
    assert short is not None and "5-20" in short.en
    assert document_problem("passport", "E1234-5678", TODAY) is not None
    assert document_problem("other", "H1234567-01", TODAY) is None
    empty = document_problem("resident_id", " ", TODAY)
    assert empty is not None and "required" in empty.en


def test_kinds_nationality_and_masks():
    assert normalise_id_kind("") == "resident_id"
    assert normalise_id_kind("护照") == "passport"
    assert normalise_id_kind("Passport") == "passport"
    assert normalise_id_kind("driving licence") is None
    assert nationality_problem("CHN") is None
    assert nationality_problem("China") is not None
    assert mask_id("11010519491231002X") == "11**************2X"
    assert mask_name("张三丰") == "张**"
