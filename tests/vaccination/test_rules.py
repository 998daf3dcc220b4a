"""The booster rule set (national policy, not in RULES.md): primary course by product, due 6 months after
the course and not before 18, month-end and 29 February edges, dose checks."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lianfang.vaccination import rules
from lianfang.vaccination.rules import Dose

days = st.dates(min_value=date(2020, 7, 1), max_value=date(2030, 12, 31))
births = st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31))


def test_rule_set_is_versioned_and_cited() -> None:
    assert rules.EDITION
    assert rules.EFFECTIVE.isoformat() == "2021-10-01"
    assert "RULES.md" in rules.SOURCE and "6" in rules.SOURCE
    assert "Not in RULES.md" in (rules.__doc__ or "")
    assert rules.BOOSTER_INTERVAL_MONTHS == 6 and rules.BOOSTER_MIN_AGE == 18
    courses = {code: p.primary_doses for code, p in rules.PRODUCTS.items()}
    assert courses == {"sinopharm_bibp": 2, "sinopharm_wibp": 2, "sinovac": 2, "cansino": 1, "zf2001": 3}


@given(days, st.integers(min_value=0, max_value=36))
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(day: date, months: int) -> None:
    later = rules.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


def test_month_end_edges() -> None:
    assert rules.add_months(date(2021, 8, 31), 6) == date(2022, 2, 28)
    assert rules.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert rules.add_months(date(2021, 3, 15), 6) == date(2021, 9, 15)


@given(births, st.integers(min_value=0, max_value=100))
def test_birthday_is_the_first_day_of_the_age(birth: date, years: int) -> None:
    day = rules.birthday(birth, years)
    assert rules.age_on(birth, day) == years
    assert rules.age_on(birth, day - timedelta(days=1)) == years - 1
    assert (birth <= rules.years_before(day, years)) and not (
        birth <= rules.years_before(day - timedelta(days=1), years)
    )


@given(st.sampled_from(sorted(rules.PRODUCTS)), days, days)
def test_booster_due_six_months_after_the_course_for_adults(product: str, start: date, today: date) -> None:
    course = rules.PRODUCTS[product].primary_doses
    doses = [Dose(n, product, start + timedelta(days=21 * (n - 1))) for n in range(1, course + 1)]
    status = rules.status_of(doses, date(1980, 1, 1), today)
    completed = doses[-1].dosed_on
    due = rules.add_months(completed, 6)
    assert status.summary.primary_complete and status.primary_completed_on == completed
    assert status.summary.booster_due_on == due and not status.summary.booster_received
    assert status.state == ("due" if today >= due else "upcoming")
    one_short = rules.status_of(doses[:-1], date(1980, 1, 1), today)
    assert not one_short.summary.primary_complete and one_short.summary.booster_due_on is None


@given(births, days)
def test_never_due_before_eighteen(birth: date, completed: date) -> None:
    status = rules.status_of([Dose(1, "cansino", completed)], birth, completed)
    due = status.summary.booster_due_on
    assert due is not None and rules.age_on(birth, due) >= 18 and due >= rules.add_months(completed, 6)


def test_exact_edges() -> None:
    completed = date(2021, 5, 10)
    doses = [Dose(1, "sinovac", date(2021, 4, 19)), Dose(2, "sinovac", completed)]
    assert rules.status_of(doses, None, date(2021, 11, 9)).state == "upcoming"
    assert rules.status_of(doses, None, date(2021, 11, 10)).state == "due"  # exactly 6 months
    teen = rules.status_of(doses, date(2004, 2, 29), date(2022, 2, 28))
    assert teen.summary.booster_due_on == date(2022, 3, 1) and teen.state == "upcoming"
    boosted = rules.status_of([*doses, Dose(3, "sinopharm_bibp", date(2021, 12, 1))], None, date(2022, 1, 1))
    assert boosted.state == "boosted" and boosted.summary.booster_received
    assert boosted.summary.booster_due_on is None and boosted.summary.doses == 3
    assert boosted.summary.last_dose_on == date(2021, 12, 1)
    zf = [Dose(n, "zf2001", date(2021, 3, 1) + timedelta(days=30 * n)) for n in (1, 2)]
    assert not rules.status_of(zf, None, date(2022, 6, 1)).summary.primary_complete
    nothing = rules.status_of([], None, date(2022, 1, 1))
    assert nothing.summary == rules.DoseSummary(0, None, False, False, None) and nothing.state == "none"


def test_age_groups() -> None:
    t = date(2022, 1, 10)
    assert rules.age_group(None, t) == "unknown"
    assert rules.age_group(date(2019, 1, 11), t) == "0-2"
    assert rules.age_group(date(2019, 1, 10), t) == "3-17"
    assert rules.age_group(date(2004, 1, 10), t) == "18-59"
    assert rules.age_group(date(1962, 1, 11), t) == "18-59"
    assert rules.age_group(date(1962, 1, 10), t) == "60-79"
    assert rules.age_group(date(1942, 1, 10), t) == "80+"


def test_dose_checks() -> None:
    t = date(2022, 1, 10)
    assert rules.dose_problems(1, "sinovac", date(2021, 6, 1), t) == []
    assert rules.normalise_product("科兴") == "sinovac" and rules.normalise_product("ZF2001") == "zf2001"
    fields = {p.field for p in rules.dose_problems(0, "pfizer", date(2022, 1, 11), t)}
    assert fields == {"dose_number", "product", "dosed_on"}
    assert rules.dose_problems(1, "sinovac", date(2019, 12, 1), t)[0].field == "dosed_on"
    earlier = [Dose(1, "sinovac", date(2021, 6, 1))]
    assert rules.order_problem(2, date(2021, 5, 1), earlier) is not None
    assert rules.order_problem(2, date(2021, 6, 22), earlier) is None
